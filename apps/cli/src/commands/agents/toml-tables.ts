/**
 * Where the tables of a TOML text are, line by line, without rewriting it: enough to cut one table
 * out and put another in its place while every other byte (comments, blank lines, other tables,
 * their layout) stays as it is. The caller checks the result with a real TOML parser.
 */

/** One line of the text: its content span, where the next line starts, and its kind. */
export interface TomlLine {
  start: number;
  /** End of the content (before `\n` or `\r\n`). */
  end: number;
  /** Start of the next line (after the line break). */
  next: number;
  /** True when the line begins inside a multi-line string, array or inline table. */
  continuation: boolean;
}

/** A table header line (`[a.b]` or `[[a.b]]`) and the key path it names. */
export interface TomlHeader {
  line: number;
  path: string[];
  array: boolean;
}

/** Parses one header line into its key path (tta gives it the real TOML parser). */
export type HeaderParser = (line: string) => { path: string[]; array: boolean };

function splitLines(text: string): Omit<TomlLine, "continuation">[] {
  const lines: Omit<TomlLine, "continuation">[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf("\n", start);
    const next = nl === -1 ? text.length : nl + 1;
    const end = nl === -1 ? text.length : nl > start && text[nl - 1] === "\r" ? nl - 1 : nl;
    lines.push({ start, end, next });
    start = next;
  }
  return lines;
}

/** Scan state carried from one line to the next. */
interface State {
  multiline: '"""' | "'''" | null;
  depth: number;
}

/** Move past the closing delimiter of a multi-line string (up to two more quotes belong to it). */
function closeMultiline(s: string, j: number, state: State): number {
  const quote = state.multiline!;
  for (let k = j; k < s.length; k++) {
    if (quote === '"""' && s[k] === "\\") {
      k++;
      continue;
    }
    if (s.startsWith(quote, k)) {
      let end = k + 3;
      while (end < s.length && end < k + 5 && s[end] === quote[0]) end++;
      state.multiline = null;
      return end;
    }
  }
  return s.length;
}

/** Follow strings, comments and brackets through the value part of one line. */
function scanValues(s: string, state: State): void {
  let j = 0;
  while (j < s.length) {
    if (state.multiline) {
      j = closeMultiline(s, j, state);
      continue;
    }
    const c = s[j]!;
    if (c === "#") return;
    if (s.startsWith('"""', j) || s.startsWith("'''", j)) {
      state.multiline = s.startsWith('"""', j) ? '"""' : "'''";
      j += 3;
    } else if (c === '"') {
      j++;
      while (j < s.length && s[j] !== '"') j += s[j] === "\\" ? 2 : 1;
      j++;
    } else if (c === "'") {
      const close = s.indexOf("'", j + 1);
      j = close === -1 ? s.length : close + 1;
    } else {
      if (c === "[" || c === "{") state.depth++;
      else if (c === "]" || c === "}") state.depth = Math.max(0, state.depth - 1);
      j++;
    }
  }
}

/** The lines and table headers of a TOML text (which must already have parsed). */
export function scanToml(
  text: string,
  parseHeader: HeaderParser,
): { lines: TomlLine[]; headers: TomlHeader[] } {
  const state: State = { multiline: null, depth: 0 };
  const lines: TomlLine[] = [];
  const headers: TomlHeader[] = [];
  for (const span of splitLines(text)) {
    const continuation = state.multiline !== null || state.depth > 0;
    const content = text.slice(span.start, span.end);
    lines.push({ ...span, continuation });
    if (!continuation && content.trimStart().startsWith("[")) {
      headers.push({ line: lines.length - 1, ...parseHeader(content) });
    } else scanValues(content, state);
  }
  return { lines, headers };
}

/** True for a blank line or a line holding only a comment (outside any string). */
function isBlankOrComment(text: string, line: TomlLine): boolean {
  if (line.continuation) return false;
  const content = text.slice(line.start, line.end).trim();
  return content === "" || content.startsWith("#");
}

/**
 * The character span of the table that header `index` opens: its header through its last key or
 * value. The comments and blank lines after that stay outside it: they usually introduce what
 * follows.
 */
export function tableSpan(
  text: string,
  scan: { lines: TomlLine[]; headers: TomlHeader[] },
  index: number,
): { from: number; to: number } {
  const first = scan.headers[index]!.line;
  let last = (scan.headers[index + 1]?.line ?? scan.lines.length) - 1;
  while (last > first && isBlankOrComment(text, scan.lines[last]!)) last--;
  return { from: scan.lines[first]!.start, to: scan.lines[last]!.next };
}
