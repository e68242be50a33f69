import { assertPlainJson, ValidationError } from "@tta-dev/core";
import type { CliInput } from "../../io.js";
import { readStdin } from "../../stdin.js";

/** The Claude Code hook events `tta hook claude-code` handles. */
export const CLAUDE_CODE_EVENTS = [
  "SessionStart",
  "UserPromptSubmit",
  "Stop",
  "SubagentStop",
  "PreCompact",
  "SessionEnd",
] as const;
export type ClaudeCodeEventName = (typeof CLAUDE_CODE_EVENTS)[number];

export const SESSION_START_SOURCES = ["startup", "resume", "clear", "compact"] as const;

/** One hook event, checked: the fields tta reads (others are ignored). */
export interface HookEvent {
  sessionId: string;
  event: ClaudeCodeEventName;
  transcriptPath?: string;
  cwd?: string;
  /** SessionStart */
  source?: (typeof SESSION_START_SOURCES)[number];
  /** UserPromptSubmit */
  prompt?: string;
  /** PreCompact: `manual` or `auto`. */
  trigger?: string;
  /** SessionEnd: `clear`, `logout`, `prompt_input_exit`, `other`… */
  reason?: string;
  /** SubagentStop (newer versions): the subagent's own transcript. */
  agentTranscriptPath?: string;
}

/** The largest event read from stdin: a prompt at the message limit, escaped, and the other fields. */
export const MAX_EVENT_BYTES = 4 << 20;

/** A Claude Code session id as tta accepts it (it becomes part of a tag). */
export const AGENT_SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,51}$/;

/** Read stdin, at most `maxBytes` (`LIMIT_EXCEEDED` past it, without reading the rest). */
export async function readEventText(input: CliInput, maxBytes = MAX_EVENT_BYTES): Promise<string> {
  if (input.isTTY)
    throw new ValidationError("tta hook reads one event as JSON on stdin; stdin is a terminal.");
  return readStdin(input, maxBytes, "The hook event");
}

/** A malformed event: `VALIDATION_FAILED` naming the field, saying that nothing was stored. */
export function invalid(message: string, path: string): ValidationError {
  return new ValidationError(`Hook event: ${message}; nothing was stored.`, {
    issues: [{ path, message }],
  });
}

/** `o[key]` as a string of at most `max` characters without NUL, `undefined` when absent or null. */
export function optionalString(
  o: Record<string, unknown>,
  key: string,
  max: number,
  path = key,
): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid(`${path} must be a string`, path);
  if (v.length > max) throw invalid(`${path} is longer than ${max} characters`, path);
  if (v.includes("\u0000")) throw invalid(`${path} holds a NUL character`, path);
  return v;
}

/** The event text as a plain JSON object (no `__proto__`-style keys), or `VALIDATION_FAILED`. */
export function eventObject(text: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw invalid(`not JSON (${(error as Error).message.slice(0, 120)})`, "(stdin)");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw invalid("not a JSON object", "(stdin)");
  assertPlainJson(raw, "event");
  return raw as Record<string, unknown>;
}

/**
 * Check a Claude Code hook event (docs: hook input, common fields `session_id`, `transcript_path`,
 * `cwd`, `hook_event_name`, then per event `source`, `prompt`, `trigger`, `reason`). Anything
 * malformed fails `VALIDATION_FAILED` naming the field; unknown fields are ignored.
 */
export function parseEvent(text: string): HookEvent {
  const o = eventObject(text);
  const sessionId = o.session_id;
  if (typeof sessionId !== "string" || !AGENT_SESSION_ID.test(sessionId)) {
    throw invalid("session_id must be 1–52 letters, digits, - or _", "session_id");
  }
  const name = o.hook_event_name;
  if (typeof name !== "string" || !(CLAUDE_CODE_EVENTS as readonly string[]).includes(name)) {
    throw invalid(`hook_event_name must be one of ${CLAUDE_CODE_EVENTS.join(", ")}`, "hook_event_name");
  }
  const event: HookEvent = { sessionId, event: name as ClaudeCodeEventName };
  const transcriptPath = optionalString(o, "transcript_path", 4096);
  if (transcriptPath) event.transcriptPath = transcriptPath;
  const cwd = optionalString(o, "cwd", 4096);
  if (cwd) event.cwd = cwd;
  const agentTranscript = optionalString(o, "agent_transcript_path", 4096);
  if (agentTranscript) event.agentTranscriptPath = agentTranscript;
  if (event.event === "SessionStart") {
    const source = optionalString(o, "source", 32) ?? "startup";
    if (!(SESSION_START_SOURCES as readonly string[]).includes(source)) {
      throw invalid(`source must be one of ${SESSION_START_SOURCES.join(", ")}`, "source");
    }
    event.source = source as HookEvent["source"];
  }
  if (event.event === "UserPromptSubmit") {
    const prompt = o.prompt;
    if (typeof prompt !== "string") throw invalid("prompt must be a string", "prompt");
    event.prompt = prompt;
  }
  const trigger = optionalString(o, "trigger", 64);
  if (trigger) event.trigger = trigger;
  const reason = optionalString(o, "reason", 64);
  if (reason) event.reason = reason;
  return event;
}
