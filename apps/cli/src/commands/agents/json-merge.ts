import { ValidationError } from "@tta-dev/core";
import {
  type JsonMember,
  type JsonNode,
  JsonSyntaxError,
  jsonNodeOf,
  jsonValueOf,
  parseJsonTree,
  printJsonTree,
} from "./json-tree.js";
import { sameValue } from "./same-value.js";

/** What a merge does to a file: the new text, or none when the file already says it. */
export interface MergeResult {
  action: "created" | "updated" | "unchanged";
  /** The whole new file; absent when `unchanged`. */
  text?: string;
}

/** The text of a new JSON file holding only the entry: `{ serversKey: { name: entry } }`. */
export function jsonSnippet(serversKey: string, name: string, entry: Record<string, unknown>): string {
  return `${JSON.stringify({ [serversKey]: { [name]: entry } }, null, 2)}\n`;
}

export function single(
  members: JsonMember[],
  key: string,
  where: string,
  file: string,
): JsonMember | undefined {
  const found = members.filter((m) => m.key === key);
  if (found.length > 1) {
    throw new ValidationError(
      `${file} has the key ${JSON.stringify(key)} ${found.length} times${where}; keep one and run again (the file is unchanged)`,
      { file, key },
    );
  }
  return found[0];
}

export function kindOf(node: JsonNode): string {
  if (node.type !== "scalar") return node.type === "object" ? "an object" : "an array";
  return node.raw.startsWith('"') ? "a string" : node.raw === "null" ? "null" : `the value ${node.raw}`;
}

/**
 * The JSON file `existing` as a tree whose root is an object (an empty file holds an empty one),
 * with its byte-order mark; a file that is not JSON, or whose root is not an object, is refused with
 * `VALIDATION_FAILED` naming the file (and the line and column), so that it is never overwritten.
 */
export function parseJsonObjectFile(
  existing: string,
  file: string,
): { bom: string; root: Extract<JsonNode, { type: "object" }> } {
  const bom = existing.startsWith("\uFEFF") ? "\uFEFF" : "";
  const body = existing.slice(bom.length);
  let root: JsonNode;
  try {
    // An empty file (one that was only touched) holds nothing to keep.
    root = body.trim() === "" ? { type: "object", members: [] } : parseJsonTree(body);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new ValidationError(
      `${file} is not valid JSON (line ${error.line}, column ${error.column}: ${error.reason}); tta leaves it as it is: fix it, or add the entry by hand (tta init --agent … --print shows it)`,
      { file, line: error.line, column: error.column, reason: error.reason },
    );
  }
  if (root.type !== "object") {
    throw new ValidationError(`${file} holds ${kindOf(root)}, not a JSON object; tta leaves it as it is`, {
      file,
    });
  }
  return { bom, root };
}

/**
 * Set `serversKey.name` of the JSON file `existing` (its text, or `undefined` when there is none)
 * to `entry`. Every other key keeps its place and its value exactly as written; the file is printed
 * with a 2-space indent and a trailing newline (a UTF-8 byte-order mark stays). An entry that is
 * already equal (whatever its key order or layout) leaves the file as it is. A file that is not
 * JSON, or whose root or `serversKey` is not an object, is refused with `VALIDATION_FAILED` naming
 * the file (and the line and column), so that it is never overwritten.
 */
export function mergeJsonEntry(
  existing: string | undefined,
  serversKey: string,
  name: string,
  entry: Record<string, unknown>,
  file: string,
): MergeResult {
  if (existing === undefined) return { action: "created", text: jsonSnippet(serversKey, name, entry) };
  const { bom, root } = parseJsonObjectFile(existing, file);
  let servers = single(root.members, serversKey, "", file);
  if (!servers) {
    servers = { key: serversKey, rawKey: JSON.stringify(serversKey), value: { type: "object", members: [] } };
    root.members.push(servers);
  }
  const table = servers.value;
  if (table.type !== "object") {
    throw new ValidationError(
      `${serversKey} in ${file} is ${kindOf(table)}, not an object of servers; tta leaves the file as it is`,
      { file, key: serversKey },
    );
  }
  const current = single(table.members, name, ` in ${serversKey}`, file);
  if (current && sameValue(jsonValueOf(current.value), entry)) return { action: "unchanged" };
  if (current) current.value = jsonNodeOf(entry);
  else table.members.push({ key: name, rawKey: JSON.stringify(name), value: jsonNodeOf(entry) });
  return { action: "updated", text: `${bom}${printJsonTree(root)}\n` };
}
