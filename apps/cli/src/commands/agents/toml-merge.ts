import { ValidationError } from "@tta-dev/core";
import type { MergeResult } from "./json-merge.js";
import { sameValue } from "./same-value.js";
import { type HeaderParser, scanToml, tableSpan } from "./toml-tables.js";

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);

/** A TOML basic string: `"` and `\` escaped, control characters as escapes. */
export function tomlString(value: string): string {
  const named: Record<string, string> = { "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r" };
  const body = value.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    if (c === "\\" || c === '"') return `\\${c}`;
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return `"${body}"`;
}

function tomlKey(segment: string): string {
  return /^[A-Za-z0-9_-]+$/.test(segment) ? segment : tomlString(segment);
}

function tomlValue(value: unknown): string {
  if (typeof value === "string") return tomlString(value);
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(", ")}]`;
  if (typeof value === "boolean" || typeof value === "number") return String(value);
  throw new TypeError(`no TOML form for ${typeof value} in an entry`);
}

/** The lines of the table `[path]` holding `entry`'s keys (strings, numbers, booleans, arrays of them). */
export function tomlTable(path: string[], entry: Record<string, unknown>): string[] {
  return [
    `[${path.map(tomlKey).join(".")}]`,
    ...Object.entries(entry).map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`),
  ];
}

/** The document without `mcp_servers.<name>` (and without `mcp_servers` when nothing else is left in it). */
function withoutEntry(doc: Table, name: string): Table {
  const copy: Table = { ...doc };
  if (isTable(copy.mcp_servers)) {
    const rest: Table = { ...copy.mcp_servers };
    delete rest[name];
    if (Object.keys(rest).length > 0) copy.mcp_servers = rest;
    else delete copy.mcp_servers;
  }
  return copy;
}

/**
 * Set the table `[mcp_servers.<name>]` of the TOML file `existing` (its text, or `undefined` when
 * there is none) to `entry` without rewriting the file: that table (and its sub-tables such as
 * `[mcp_servers.<name>.env]`, wherever they are) is cut out and the new one takes its place, or is
 * appended when there was none. Comments, blank lines and every other table stay byte for byte; the
 * line breaks of the file (`\n` or `\r\n`) are kept. The result is parsed again and must hold the
 * same document with only that entry changed, else nothing is written. A file that does not parse,
 * or where `mcp_servers` is not a table, is refused with `VALIDATION_FAILED`.
 */
export async function mergeTomlEntry(
  existing: string | undefined,
  name: string,
  entry: Record<string, unknown>,
  file: string,
): Promise<MergeResult> {
  const { parse, TomlError } = await import("smol-toml");
  const eol = existing?.includes("\r\n") ? "\r\n" : "\n";
  const block = `${tomlTable(["mcp_servers", name], entry).join(eol)}${eol}`;
  if (existing === undefined) return { action: "created", text: block };
  let doc: Table;
  try {
    doc = parse(existing) as Table;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
    throw new ValidationError(
      `${file} is not valid TOML (line ${error.line}, column ${error.column}: ${reason}); tta leaves it as it is`,
      { file, line: error.line, column: error.column, reason },
    );
  }
  if (doc.mcp_servers !== undefined && !isTable(doc.mcp_servers)) {
    throw new ValidationError(`mcp_servers in ${file} is not a table; tta leaves the file as it is`, {
      file,
    });
  }
  const servers = doc.mcp_servers as Table | undefined;
  if (sameValue(servers?.[name], entry)) return { action: "unchanged" };

  const parseHeader: HeaderParser = (line) => {
    // A header alone is a document of nested tables, one key at each level: the path.
    let node: unknown = parse(line);
    const path: string[] = [];
    while (isTable(node) && Object.keys(node).length === 1) {
      const key = Object.keys(node)[0]!;
      path.push(key);
      node = node[key];
    }
    return { path, array: Array.isArray(node) };
  };
  const scan = scanToml(existing, parseHeader);
  const ours = scan.headers
    .map((header, index) => ({ header, ...tableSpan(existing, scan, index) }))
    .filter(({ header }) => header.path[0] === "mcp_servers" && header.path[1] === name);
  const main = ours.find(({ header }) => header.path.length === 2 && !header.array);

  let text = "";
  let at = 0;
  for (const span of ours) {
    text += existing.slice(at, span.from) + (span === main ? block : "");
    at = span.to;
  }
  text += existing.slice(at);
  if (!main) {
    if (text.trim() !== "") {
      if (!text.endsWith("\n")) text += eol;
      // A blank line between the last table and tta's, unless there is one already.
      if (!/\n[ \t]*\r?\n$/.test(text)) text += eol;
    } else text = "";
    text += block;
  }

  let after: Table | undefined;
  try {
    after = parse(text) as Table;
  } catch {
    after = undefined;
  }
  const written = after && isTable(after.mcp_servers) ? after.mcp_servers[name] : undefined;
  if (
    !after ||
    !sameValue(withoutEntry(doc, name), withoutEntry(after, name)) ||
    !sameValue(written, entry)
  ) {
    throw new ValidationError(
      `tta cannot replace mcp_servers.${name} in ${file} without touching the rest: it is not written as a [mcp_servers.${name}] table (an inline table or dotted keys?). Make it one, or remove it, and run again; the file is unchanged`,
      { file },
    );
  }
  return { action: "updated", text };
}
