/**
 * A JSON document as a tree that keeps what `JSON.parse` would lose when a file is written back:
 * the order of keys (integer-like ones too), duplicate keys, and every number and string exactly as
 * written (`1.0`, `1e2`, 20-digit integers, `"\u00e9"`). Only the layout is normalised when printed.
 */

/** A member of an object: the decoded key, the key as written, its value. */
export interface JsonMember {
  key: string;
  rawKey: string;
  value: JsonNode;
}

/** A JSON value: objects and arrays hold nodes, anything else is kept as its source text. */
export type JsonNode =
  | { type: "object"; members: JsonMember[] }
  | { type: "array"; items: JsonNode[] }
  | { type: "scalar"; raw: string };

/** Where and why a text is not JSON (1-based line and column). */
export class JsonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${reason} at line ${line}, column ${column}`);
  }
}

/** Deeper documents are refused rather than risking the stack (configuration files are shallow). */
const MAX_DEPTH = 256;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  fail(reason: string, at = this.i): never {
    const before = this.s.slice(0, at);
    const line = before.split("\n").length;
    throw new JsonSyntaxError(reason, line, at - (before.lastIndexOf("\n") + 1) + 1);
  }

  ws(): void {
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i]!)) this.i++;
  }

  document(): JsonNode {
    const node = this.value(0);
    this.ws();
    if (this.i < this.s.length) this.fail("unexpected text after the JSON value");
    return node;
  }

  private value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return { type: "scalar", raw: this.string() };
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) {
      NUMBER.lastIndex = this.i;
      const m = NUMBER.exec(this.s);
      if (!m) this.fail("invalid number");
      this.i += m[0].length;
      return { type: "scalar", raw: m[0] };
    }
    for (const literal of ["true", "false", "null"]) {
      if (this.s.startsWith(literal, this.i)) {
        this.i += literal.length;
        return { type: "scalar", raw: literal };
      }
    }
    this.fail(c === undefined ? "unexpected end of the file" : `unexpected character ${JSON.stringify(c)}`);
  }

  private string(): string {
    const start = this.i++;
    for (;;) {
      if (this.i >= this.s.length) this.fail("unterminated string", start);
      const code = this.s.charCodeAt(this.i);
      if (code === 0x22) return this.s.slice(start, ++this.i);
      if (code === 0x5c) {
        const e = this.s[this.i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i += 2;
        else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) this.i += 6;
        else this.fail("invalid escape in a string");
      } else if (code < 0x20) this.fail("control character in a string");
      else this.i++;
    }
  }

  private object(depth: number): JsonNode {
    const members: JsonMember[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return { type: "object", members };
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail("expected a property name in double quotes");
      const rawKey = this.string();
      this.ws();
      if (this.s[this.i] !== ":") this.fail("expected ':' after a property name");
      this.i++;
      members.push({ key: JSON.parse(rawKey) as string, rawKey, value: this.value(depth + 1) });
      this.ws();
      const c = this.s[this.i++];
      if (c === "}") return { type: "object", members };
      if (c !== ",") this.fail("expected ',' or '}' after a property", this.i - 1);
    }
  }

  private array(depth: number): JsonNode {
    const items: JsonNode[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return { type: "array", items };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === "]") return { type: "array", items };
      if (c !== ",") this.fail("expected ',' or ']' after an array item", this.i - 1);
    }
  }
}

/** Parse strict JSON (RFC 8259: no comments, no trailing commas) into a {@link JsonNode} tree. */
export function parseJsonTree(text: string): JsonNode {
  return new Parser(text).document();
}

/** Print a tree with a 2-space indent, the layout of `JSON.stringify(value, null, 2)`. */
export function printJsonTree(node: JsonNode, indent = ""): string {
  const inner = `${indent}  `;
  if (node.type === "scalar") return node.raw;
  if (node.type === "array") {
    if (node.items.length === 0) return "[]";
    return `[\n${node.items.map((item) => inner + printJsonTree(item, inner)).join(",\n")}\n${indent}]`;
  }
  if (node.members.length === 0) return "{}";
  const lines = node.members.map((m) => `${inner}${m.rawKey}: ${printJsonTree(m.value, inner)}`);
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

/** The tree of a plain JSON value (what tta writes: strings, arrays, objects). */
export function jsonNodeOf(value: unknown): JsonNode {
  if (Array.isArray(value)) return { type: "array", items: value.map(jsonNodeOf) };
  if (value !== null && typeof value === "object") {
    return {
      type: "object",
      members: Object.entries(value).map(([key, v]) => ({
        key,
        rawKey: JSON.stringify(key),
        value: jsonNodeOf(v),
      })),
    };
  }
  return { type: "scalar", raw: JSON.stringify(value) };
}

/** The plain value of a tree (duplicate keys: the last one wins, as in `JSON.parse`). */
export function jsonValueOf(node: JsonNode): unknown {
  return JSON.parse(printJsonTree(node));
}
