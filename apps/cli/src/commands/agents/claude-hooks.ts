import { ValidationError } from "@tta-dev/core";
import { CLAUDE_CODE_EVENTS } from "../hook/event.js";
import { kindOf, type MergeResult, parseJsonObjectFile, single } from "./json-merge.js";
import { type JsonNode, jsonNodeOf, jsonValueOf, printJsonTree } from "./json-tree.js";

/** The Claude Code hook events `tta hook claude-code` handles, in the order they are written. */
export const CLAUDE_HOOK_EVENTS = CLAUDE_CODE_EVENTS;

/** Whether a hook handler of a settings file is one of tta's (any options, any launcher). */
function isTtaHook(handler: unknown): boolean {
  if (typeof handler !== "object" || handler === null) return false;
  const command = (handler as { command?: unknown }).command;
  return typeof command === "string" && /(^|[\s/'])(tta|bin\.js'?) hook claude-code(\s|$)/.test(command);
}

/**
 * Add `command` as a hook of every event of {@link CLAUDE_HOOK_EVENTS} to Claude Code's
 * `.claude/settings.json` (its text, or `undefined` when there is none): per event, a matcher group
 * `{ "hooks": [{ "type": "command", "command": … }] }` appended after the user's own, unless one of
 * the event's groups already runs `tta hook claude-code` (then that event is left as it is, whatever
 * its options). Every other key, event and hook keeps its place and value exactly as written. A
 * file that is not JSON, or whose `hooks` or an event's list has another shape, is refused with
 * `VALIDATION_FAILED` naming the file, so that it is never overwritten.
 */
export function mergeClaudeHooks(existing: string | undefined, command: string, file: string): MergeResult {
  const { bom, root } = parseJsonObjectFile(existing ?? "", file);
  let hooks = single(root.members, "hooks", "", file);
  if (!hooks) {
    hooks = { key: "hooks", rawKey: '"hooks"', value: { type: "object", members: [] } };
    root.members.push(hooks);
  }
  const table = hooks.value;
  if (table.type !== "object") {
    throw new ValidationError(
      `hooks in ${file} is ${kindOf(table)}, not an object of events; tta leaves the file as it is`,
      { file, key: "hooks" },
    );
  }
  let changed = false;
  const group = jsonNodeOf({ hooks: [{ type: "command", command }] });
  for (const event of CLAUDE_HOOK_EVENTS) {
    const member = single(table.members, event, " in hooks", file);
    if (!member) {
      table.members.push({
        key: event,
        rawKey: JSON.stringify(event),
        value: { type: "array", items: [group] },
      });
      changed = true;
      continue;
    }
    const list: JsonNode = member.value;
    if (list.type !== "array") {
      throw new ValidationError(
        `hooks.${event} in ${file} is ${kindOf(list)}, not a list of matcher groups; tta leaves the file as it is`,
        { file, key: `hooks.${event}` },
      );
    }
    const groups = jsonValueOf(list) as unknown[];
    const present = groups.some(
      (g) =>
        typeof g === "object" &&
        g !== null &&
        Array.isArray((g as { hooks?: unknown }).hooks) &&
        (g as { hooks: unknown[] }).hooks.some(isTtaHook),
    );
    if (present) continue;
    list.items.push(group);
    changed = true;
  }
  if (!changed) return { action: "unchanged" };
  return { action: existing === undefined ? "created" : "updated", text: `${bom}${printJsonTree(root)}\n` };
}
