import type { FileHandle } from "node:fs/promises";
import { ValidationError } from "@tta-dev/core";
import { AGENT_SESSION_ID } from "../hook/event.js";
import { promptKey, sha, transcriptMessageKey } from "../hook/keys.js";
import { fit, hasLoneSurrogate } from "../hook/text.js";
import { contentText, lineMessage } from "../hook/transcript.js";
import { fileLines } from "./lines.js";

/** The two formats `tta import transcript` reads. */
export type TranscriptFormat = "claude-code" | "generic";

/** Why a line was skipped. */
export type SkipReason = "notJson" | "tooLong" | "notUtf8" | "notMessage";

/** One message to append, as `message.append` takes it in a batch. */
export interface MessageItem {
  role: "user" | "assistant" | "system" | "tool";
  content: string;
  metadata: Record<string, string | string[] | boolean>;
  idempotencyKey: string;
}

/** What one line of the file gives. */
export type Entry =
  | { kind: "format"; no: number; format: TranscriptFormat }
  | { kind: "skip"; no: number; reason: SkipReason }
  | { kind: "message"; no: number; agentSession: string | null; item: MessageItem; cwd?: string };

/** How {@link transcriptEntries} reads: the line and content limits, the fallback agent session. */
export interface EntryOptions {
  maxLineBytes: number;
  /** `limits.messageContentBytes`: longer content is cut (marked), never refused. */
  contentBytes: number;
  /** The agent session of Claude Code lines without a usable `sessionId`. */
  fallbackAgentSession: string | null;
  /** Generic lines' keys are scoped by it (the file's): two files' `id: "1"` are two messages. */
  keyScope?: string;
  onBytes?: (offset: number) => void;
}

const CC_ROLES: ReadonlySet<string> = new Set(["user", "assistant"]);
const GENERIC_ROLES: ReadonlySet<string> = new Set(["user", "assistant", "system", "tool"]);

/** The format a JSON object line is written in, or `null` when it is neither. */
export function formatOf(line: Record<string, unknown>): TranscriptFormat | null {
  const hasRole = Object.hasOwn(line, "role");
  if (typeof line.type === "string" && !hasRole) return "claude-code";
  if (hasRole && !Object.hasOwn(line, "type") && !Object.hasOwn(line, "message")) return "generic";
  return null;
}

function invalid(no: number, message: string): ValidationError {
  return new ValidationError(`line ${no}: ${message}; nothing was imported.`, {
    issues: [{ path: `line ${no}`, message }],
    line: no,
  });
}

function timestampOf(value: unknown): string | undefined {
  if (typeof value === "string") return value.length <= 64 ? value : undefined;
  if (typeof value === "number" && Number.isFinite(value) && Math.abs(value) < 8.64e15)
    return new Date(value).toISOString();
  return undefined;
}

function claudeCodeItem(
  line: Record<string, unknown>,
  end: number,
  anchor: string,
  agentSession: string | null,
  contentBytes: number,
): MessageItem | null {
  const m = lineMessage(line, CC_ROLES, end);
  if (!m) return null;
  // A prompt the user typed has the hook's prompt key; every other line (replies, a subagent's
  // prompt) the key of its transcript line.
  const prompt = m.role === "user" && !m.sidechain;
  const tools = m.tools.slice(0, 32);
  return {
    role: m.role,
    content: fit(m.content, contentBytes),
    metadata: {
      source: "claude-code",
      ...(m.uuid ? { uuid: m.uuid } : {}),
      ...(m.timestamp ? { timestamp: m.timestamp } : {}),
      ...(tools.length ? { tools } : {}),
      ...(m.sidechain ? { sidechain: true } : {}),
    },
    idempotencyKey: prompt ? promptKey(agentSession ?? "", m.content, anchor) : transcriptMessageKey(m),
  };
}

function genericItem(
  line: Record<string, unknown>,
  seen: Map<string, number>,
  contentBytes: number,
  keyScope: string | undefined,
): MessageItem | null {
  const role = line.role;
  if (typeof role !== "string" || !GENERIC_ROLES.has(role)) return null;
  const raw = line.content;
  const content = typeof raw === "string" ? raw : Array.isArray(raw) ? contentText(raw).content : null;
  if (content === null || !/\S/.test(content)) return null;
  const timestamp = timestampOf(line.timestamp);
  const id =
    typeof line.id === "string" && line.id.length >= 1 && line.id.length <= 200 && !hasLoneSurrogate(line.id)
      ? line.id
      : null;
  let key: string;
  const scope = keyScope ? `${keyScope}:` : "";
  // An id is hashed into the key: any text (a lone surrogate, a colon) makes a valid key.
  if (id !== null) key = `t:${scope}${sha(id).slice(0, 40)}`;
  else {
    // Two equal lines are two messages: the n-th occurrence of a (role, content, timestamp) in the
    // file has the n-th key, the same on every import.
    const hash = sha(`${role}\u0000${content}\u0000${timestamp ?? ""}`).slice(0, 40);
    const n = (seen.get(hash) ?? 0) + 1;
    seen.set(hash, n);
    key = `t:${scope}h:${hash}:${n}`;
  }
  return {
    role: role as MessageItem["role"],
    content: fit(content, contentBytes),
    metadata: {
      source: "import",
      ...(timestamp ? { timestamp } : {}),
      ...(id !== null ? { id } : {}),
    },
    idempotencyKey: key,
  };
}

function cwdOf(line: Record<string, unknown>): string | undefined {
  const cwd = line.cwd;
  return typeof cwd === "string" && cwd.startsWith("/") && cwd.length <= 4096 && !cwd.includes("\u0000")
    ? cwd
    : undefined;
}

/**
 * The entries of a transcript file, line by line: its format (from the first line that is not blank
 * and within the line limit), then each message to append and each line skipped. Fails
 * `VALIDATION_FAILED` naming the line when that first line is of neither format, or when a later
 * line is of the other one.
 */
export async function* transcriptEntries(
  handle: FileHandle,
  size: number,
  options: EntryOptions,
): AsyncGenerator<Entry> {
  let format: TranscriptFormat | null = null;
  let formatLine = 0;
  let anchor = "start";
  const seen = new Map<string, number>();
  const lines = fileLines(handle, size, {
    maxLineBytes: options.maxLineBytes,
    ...(options.onBytes ? { onBytes: options.onBytes } : {}),
  });
  for await (const l of lines) {
    if (l.text === null) {
      yield { kind: "skip", no: l.no, reason: "tooLong" };
      continue;
    }
    const text = l.no === 1 && l.text.startsWith("\uFEFF") ? l.text.slice(1) : l.text;
    if (!text.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (format === null) throw invalid(l.no, "not JSON, so this is not a JSONL transcript");
      yield { kind: "skip", no: l.no, reason: "notJson" };
      continue;
    }
    const object = typeof value === "object" && value !== null && !Array.isArray(value);
    const line = object ? (value as Record<string, unknown>) : null;
    const lineFormat = line ? formatOf(line) : null;
    if (format === null) {
      if (lineFormat === null)
        throw invalid(
          l.no,
          'neither a Claude Code transcript line (an object with "type", "message", "uuid") nor a message ({"role", "content"})',
        );
      format = lineFormat;
      formatLine = l.no;
      yield { kind: "format", no: l.no, format };
    } else if (lineFormat !== null && lineFormat !== format) {
      throw invalid(
        l.no,
        `a ${lineFormat === "generic" ? "generic message" : "Claude Code"} line, but line ${formatLine} is a ${format === "generic" ? "generic message" : "Claude Code"} line: a file holds one format`,
      );
    }
    if (!line || lineFormat === null) {
      yield { kind: "skip", no: l.no, reason: "notMessage" };
      continue;
    }
    let item: MessageItem | null;
    let agentSession: string | null = null;
    let cwd: string | undefined;
    if (format === "claude-code") {
      const id = line.sessionId;
      agentSession = typeof id === "string" && AGENT_SESSION_ID.test(id) ? id : options.fallbackAgentSession;
      item = claudeCodeItem(line, l.end, anchor, agentSession, options.contentBytes);
      // The hook anchors a prompt on the line with a uuid before it, whatever that line is.
      if (typeof line.uuid === "string") anchor = line.uuid;
      cwd = cwdOf(line);
    } else {
      item = genericItem(line, seen, options.contentBytes, options.keyScope);
      if (!item) {
        yield { kind: "skip", no: l.no, reason: "notMessage" };
        continue;
      }
    }
    if (!item) continue;
    if (!l.utf8) {
      yield { kind: "skip", no: l.no, reason: "notUtf8" };
      continue;
    }
    yield { kind: "message", no: l.no, agentSession, item, ...(cwd ? { cwd } : {}) };
  }
}
