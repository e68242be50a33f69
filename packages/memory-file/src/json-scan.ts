/** Where a JSON value sits in a text, and how deeply it nests (0 for a scalar, 1 for `[]` or `{}`). */
export interface Span {
  start: number;
  end: number;
  depth: number;
}

/** The parts of a JSON document that the groups file needs by position. */
export interface DocLayout {
  root: Span;
  /** Members of the root object (the last one of a repeated key), with where their key starts. */
  members: Map<string, Span & { keyStart: number }>;
  /** Elements of the array under the root member named `arrayKey`, in order. */
  elements: Span[];
  /** Offsets of that array's `[` and `]`; -1 when there is none. */
  arrayOpen: number;
  arrayClose: number;
}

/** Why a text is not JSON: the offset of the first character that does not fit. */
export interface ScanError {
  offset: number;
  message: string;
}

interface Frame {
  array: boolean;
  start: number;
  /** Deepest child container so far. */
  inner: number;
  /** The member key whose value this frame is (objects: the key being read or last read). */
  key: string;
  keyStart: number;
  /** The frame is the root member `arrayKey`. */
  listed: boolean;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);
const HEX4 = /[0-9a-fA-F]{4}/y;

/** End (after the closing quote) of the string whose opening quote is at `i`, or a {@link ScanError}. */
function stringEnd(text: string, i: number): number | ScanError {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c < 0x20) return { offset: j, message: "control character in a string" };
    if (c !== 0x5c) continue;
    const e = text[j + 1];
    if (e === "u") {
      HEX4.lastIndex = j + 2;
      if (!HEX4.test(text)) return { offset: j, message: "bad \\u escape" };
      j += 5;
    } else if (e !== undefined && ESCAPES.has(e)) j++;
    else return { offset: j, message: "bad escape in a string" };
  }
  return { offset: text.length, message: "unterminated string" };
}

/** End of the scalar (number or literal) at `i`, or -1. */
function scalarEnd(text: string, i: number): number {
  for (const word of ["true", "false", "null"]) if (text.startsWith(word, i)) return i + word.length;
  NUMBER.lastIndex = i;
  return NUMBER.test(text) ? NUMBER.lastIndex : -1;
}

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Check that `text` is one JSON value (RFC 8259) and find where its parts are: the root object's
 * members and the elements of the array under `arrayKey`, each with its span and depth. One pass and
 * an explicit stack, no recursion: any nesting depth is fine. A text that is not JSON yields the
 * offset of the first character that does not fit, which `JSON.parse` on Node 20 does not always give.
 *
 * @example
 * scanJson('{"groups":[{"group_id":"a"}]}', "groups"); // elements: [{ start: 11, end: 27, depth: 1 }]
 */
export function scanJson(text: string, arrayKey: string): DocLayout | ScanError {
  const stack: Frame[] = [];
  const out: DocLayout = {
    root: { start: 0, end: 0, depth: 0 },
    members: new Map(),
    elements: [],
    arrayOpen: -1,
    arrayClose: -1,
  };
  let done = false;
  let i = 0;
  // `value`: a value is due; `key`: a member name; `first…`: the same, or the closing bracket of an
  // empty container; `next`: `,` or the closing bracket. (A property, as `finish` changes it.)
  const st: { want: "value" | "key" | "firstKey" | "firstValue" | "next" } = { want: "value" };

  const finish = (start: number, end: number, depth: number): void => {
    const parent = stack.at(-1);
    if (!parent) {
      out.root = { start, end, depth };
      done = true;
      return;
    }
    parent.inner = Math.max(parent.inner, depth);
    if (stack.length === 1 && !parent.array)
      out.members.set(parent.key, { start, end, depth, keyStart: parent.keyStart });
    if (parent.listed) out.elements.push({ start, end, depth });
    st.want = "next";
  };

  for (;;) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (done) return i === text.length ? out : { offset: i, message: "text after the end of the document" };
    if (i >= text.length) return { offset: i, message: "unexpected end of the document" };
    const ch = text[i]!;
    const top = stack.at(-1);
    const want = st.want;
    if (want === "next" || ((want === "firstKey" || want === "firstValue") && (ch === "}" || ch === "]"))) {
      if (!top) return { offset: i, message: `unexpected ${JSON.stringify(ch)}` };
      if (ch === ",") {
        st.want = top.array ? "value" : "key";
        i++;
        continue;
      }
      if (ch !== (top.array ? "]" : "}")) return { offset: i, message: `unexpected ${JSON.stringify(ch)}` };
      stack.pop();
      if (top.listed) out.arrayClose = i;
      i++;
      finish(top.start, i, top.inner + 1);
      continue;
    }
    if (want === "key" || want === "firstKey") {
      if (ch !== '"') return { offset: i, message: "a member name in double quotes is due" };
      const end = stringEnd(text, i);
      if (typeof end !== "number") return end;
      top!.key = JSON.parse(text.slice(i, end)) as string;
      top!.keyStart = i;
      i = end;
      while (i < text.length && isSpace(text.charCodeAt(i))) i++;
      if (text[i] !== ":") return { offset: i, message: "':' is due after a member name" };
      i++;
      st.want = "value";
      continue;
    }
    const start = i;
    if (ch === "{" || ch === "[") {
      const listed = stack.length === 1 && !stack[0]!.array && stack[0]!.key === arrayKey && ch === "[";
      if (listed) {
        out.elements = [];
        out.arrayOpen = i;
      }
      stack.push({ array: ch === "[", start, inner: 0, key: "", keyStart: -1, listed });
      st.want = ch === "[" ? "firstValue" : "firstKey";
      i++;
      continue;
    }
    const end = ch === '"' ? stringEnd(text, i) : scalarEnd(text, i);
    if (typeof end !== "number") return end;
    if (end === -1) return { offset: i, message: `unexpected ${JSON.stringify(ch)}` };
    i = end;
    finish(start, end, 0);
  }
}

/** True when `scanJson` failed. */
export function isScanError(r: DocLayout | ScanError): r is ScanError {
  return "message" in r;
}

/**
 * The JSON text `text[start, end)` without the whitespace between its tokens: the same value on one
 * line (strings are copied as they are).
 */
export function compactJson(text: string, start: number, end: number): string {
  let out = "";
  let from = start;
  let inString = false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (isSpace(c)) {
      out += text.slice(from, i);
      from = i + 1;
    }
  }
  return out + text.slice(from, end);
}
