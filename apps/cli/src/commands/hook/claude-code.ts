import { closeSync, existsSync, fstatSync, openSync, readSync, statSync } from "node:fs";
import type { OperationName, OutputOf } from "@tta-dev/contract";
import { type Limits, MAX_CACHE_TTL_MS, type Session } from "@tta-dev/core";
import type { HookEvent } from "./event.js";
import { promptKey, sha, transcriptMessageKey } from "./keys.js";
import type { SessionNaming } from "./names.js";
import { agentSessionFor, sessionTag } from "./session-map.js";
import { startContext } from "./start-context.js";
import { fit } from "./text.js";
import { contentText, readTranscript, tailLines, transcriptLineLimit } from "./transcript.js";

/** What the hook is told to do (flags of `tta hook claude-code`). */
export interface HookOptions {
  /** Events to handle; the others are ignored (exit 0, nothing printed). */
  events: ReadonlySet<string>;
  /** SessionEnd completes the tta session. */
  completeOnEnd: boolean;
  /** The stage SessionStart loads when the session has none recorded. */
  defaultStage: string;
  /** Longest additionalContext printed (characters). */
  maxContextChars: number;
  /** Name parts given instead of derived from the branch or folder. */
  naming?: SessionNaming;
}

/** How the hook reaches tta: one contract operation at a time, checked like any other call. */
export interface HookEnv {
  call<N extends OperationName>(name: N, input: Record<string, unknown>): Promise<OutputOf<N>>;
  limits: Limits;
  now(): number;
  /** The folder the session name is derived from when the event has no `cwd`. */
  cwd: string;
  warn(message: string): void;
  /** When set (epoch ms): no new batch of transcript messages is started after it. */
  deadline?: number;
}

/** Bytes of transcript read by one hook run at most; the rest is read by the next run. */
export const TRANSCRIPT_BYTES_PER_RUN = 16 << 20;
/** Bytes at the end of the transcript searched for a submitted prompt, then further back if needed. */
const PROMPT_TAIL_WINDOWS = [512 << 10, 32 << 20] as const;
const TRANSCRIPT_CURSOR = "claude-code.transcript.";
const EVENT_RECORD = "claude-code.event.";

/** The tag that marks the tta session of one Claude Code session. */
export function agentTag(agentSessionId: string): string {
  return sessionTag("claude-code", agentSessionId);
}

/** A transcript path tta reads: an existing regular `.jsonl` file. */
function transcriptFile(path: string | undefined): string | null {
  if (!path?.endsWith(".jsonl")) return null;
  try {
    return existsSync(path) && statSync(path).isFile() ? path : null;
  } catch {
    return null;
  }
}

/** The tta session of a Claude Code session (tagged `claude-code:<id>`). */
export function sessionFor(env: HookEnv, event: HookEvent, naming: SessionNaming = {}): Promise<Session> {
  return agentSessionFor(env, { agent: "claude-code", sessionId: event.sessionId, cwd: event.cwd }, naming);
}

/** Append the assistant messages of the transcript written since the last capture. */
export async function captureTranscript(
  env: HookEnv,
  session: Session,
  path: string | undefined,
  options: { agentSessionId: string; prompts: boolean },
): Promise<number> {
  const file = transcriptFile(path);
  if (!file) {
    if (path)
      env.warn(
        `transcript ${JSON.stringify(path.slice(0, 200))} is not a readable .jsonl file; nothing captured`,
      );
    return 0;
  }
  const key = `${TRANSCRIPT_CURSOR}${sha(file).slice(0, 32)}`;
  const cursor = await env.call("cache.get", { sessionId: session.id, key });
  const saved = (cursor?.value ?? {}) as { offset?: unknown; anchor?: unknown };
  const from = typeof saved.offset === "number" ? saved.offset : 0;
  const read = readTranscript(file, from, {
    maxBytes: TRANSCRIPT_BYTES_PER_RUN,
    maxLineBytes: transcriptLineLimit(env.limits.messageContentBytes),
    roles: new Set(options.prompts ? ["user", "assistant"] : ["assistant"]),
    ...(env.deadline !== undefined ? { deadline: env.deadline } : {}),
    ...(typeof saved.anchor === "string" ? { anchor: saved.anchor } : {}),
  });
  // A prompt line is stored under the key UserPromptSubmit gave it (when it ran): stored once, and
  // stored here when that event did not store it.
  const messages = read.messages.filter((m) => m.role === "assistant" || !m.sidechain);
  const items = messages.map((m) => ({
    role: m.role,
    content: fit(m.content, env.limits.messageContentBytes),
    metadata: {
      source: "claude-code",
      ...(m.uuid ? { uuid: m.uuid } : {}),
      ...(m.timestamp ? { timestamp: m.timestamp } : {}),
      ...(m.tools.length ? { tools: m.tools.slice(0, 32) } : {}),
      ...(m.sidechain ? { sidechain: true } : {}),
    },
    idempotencyKey:
      m.role === "user" ? promptKey(options.agentSessionId, m.content, m.anchor) : transcriptMessageKey(m),
  }));
  const saveCursor = async (offset: number, anchor: string) => {
    await env.call("cache.set", {
      sessionId: session.id,
      key,
      value: { offset, anchor },
      ttlMs: MAX_CACHE_TTL_MS,
    });
  };
  // Batch by batch, the cursor moving past each stored batch: a run stopped at its deadline (or
  // killed) leaves the next one to go on from there; a batch stored without its cursor is stored
  // again under the same keys, which adds nothing.
  const size = Math.max(1, Math.min(env.limits.batchAppend, 200));
  let stored = 0;
  let reached = from;
  for (let i = 0; i < items.length; i += size) {
    if (i > 0 && env.deadline !== undefined && env.now() >= env.deadline) break;
    await env.call("message.append", { sessionId: session.id, messages: items.slice(i, i + size) });
    stored = Math.min(items.length, i + size);
    if (stored === items.length) reached = read.next;
    else {
      // Resume just past the last stored message, with the anchor the next one was read with.
      reached = messages[stored - 1]!.end;
      await saveCursor(reached, messages[stored]!.anchor);
    }
  }
  if (items.length === 0) reached = read.next;
  if (reached === read.next && read.next !== from) await saveCursor(read.next, read.anchor);
  if (read.skipped) env.warn(`skipped ${read.skipped} transcript line(s) that are not JSON or are too long`);
  if (stored < items.length)
    env.warn(
      `stored ${stored} of ${items.length} transcript messages before the deadline; the next event goes on`,
    );
  else if (read.more) env.warn("transcript read stopped at the per-run limit; the next event reads on");
  return stored;
}

/** Whether `needle` occurs in the last `bytes` of `file` (a byte search, nothing parsed). */
function occursInTail(file: string, bytes: number, needle: string): boolean {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const buf = Buffer.allocUnsafe(size - start);
    const n = readSync(fd, buf, 0, buf.length, start);
    return buf.subarray(0, n).indexOf(needle) !== -1;
  } finally {
    closeSync(fd);
  }
}

/**
 * Where a prompt sits in the transcript: the line before its last occurrence, or (not written yet)
 * the last line — the line it will follow. The same event seen again gives the same anchor: the end
 * of the transcript is searched first; further back (up to 32 MiB) only when the prompt's text is
 * there at all, or when the line before it is larger than the first window.
 */
function promptAnchor(path: string | undefined, prompt: string, maxLineBytes: number): string {
  const file = transcriptFile(path);
  if (!file) return "no-transcript";
  // The prompt as the transcript writes it (a JSON string's inside).
  const needle = JSON.stringify(prompt.trim()).slice(1, -1);
  let fallback: string | null = null;
  for (const [i, bytes] of PROMPT_TAIL_WINDOWS.entries()) {
    const { lines, fromStart, holdsLast } = tailLines(file, bytes, maxLineBytes);
    const withIds = lines.filter((l) => typeof l.uuid === "string");
    let at = -1;
    for (let j = withIds.length - 1; j >= 0; j--) {
      const l = withIds[j]!;
      const message = l.message as { content?: unknown } | undefined;
      if (l.type === "user" && message && contentText(message.content).content.trim() === prompt.trim()) {
        at = j;
        break;
      }
    }
    if (at > 0) return String(withIds[at - 1]!.uuid);
    if (at === 0 && fromStart) return "start";
    const wider = PROMPT_TAIL_WINDOWS[i + 1];
    if (at === -1) {
      if (holdsLast && withIds.length > 0) fallback ??= String(withIds.at(-1)!.uuid);
      if (fromStart || wider === undefined) return fallback ?? "start";
      // Not in this window: a new prompt, unless its text is further back (the event seen again).
      if (fallback !== null && !occursInTail(file, wider, needle)) return fallback;
    } else if (wider === undefined) return `at:${String(withIds[0]!.uuid)}`;
  }
  return fallback ?? "start";
}

/** Append the submitted prompt as a user message, under a key derived from the event. */
export async function appendPrompt(env: HookEnv, session: Session, event: HookEvent): Promise<boolean> {
  const prompt = event.prompt ?? "";
  if (!prompt.trim()) return false;
  const anchor = promptAnchor(
    event.transcriptPath,
    prompt,
    transcriptLineLimit(env.limits.messageContentBytes),
  );
  const key = promptKey(event.sessionId, prompt, anchor);
  await env.call("message.append", {
    sessionId: session.id,
    role: "user",
    content: fit(prompt, env.limits.messageContentBytes),
    metadata: { source: "claude-code", event: "UserPromptSubmit" },
    idempotencyKey: key,
  });
  return true;
}

/** Keep the latest event of a kind in the session's cache (30 days): seen again, it overwrites itself. */
async function recordEvent(env: HookEnv, session: Session, event: HookEvent): Promise<void> {
  await env.call("cache.set", {
    sessionId: session.id,
    key: `${EVENT_RECORD}${event.event}`,
    value: {
      event: event.event,
      agentSessionId: event.sessionId,
      ...(event.trigger ? { trigger: event.trigger } : {}),
      ...(event.reason ? { reason: event.reason } : {}),
      at: new Date(env.now()).toISOString(),
    },
    ttlMs: MAX_CACHE_TTL_MS,
  });
}

/** SessionStart: the context of the session's stage as the documented hook output JSON. */
async function sessionStart(env: HookEnv, options: HookOptions, event: HookEvent): Promise<string> {
  const session = await sessionFor(env, event, options.naming);
  const { context } = await startContext(env, session, { ...options, compacted: event.source === "compact" });
  const output = { hookSpecificOutput: { hookEventName: "SessionStart", additionalContext: context } };
  return `${JSON.stringify(output)}\n`;
}

/** What one event did, for stderr and tests. */
export interface HookOutcome {
  stdout: string;
  session?: string;
  stored: number;
}

/** Handle one checked event. */
export async function handleClaudeCodeEvent(
  env: HookEnv,
  options: HookOptions,
  event: HookEvent,
): Promise<HookOutcome> {
  if (!options.events.has(event.event)) return { stdout: "", stored: 0 };
  switch (event.event) {
    case "SessionStart":
      return { stdout: await sessionStart(env, options, event), stored: 0 };
    case "UserPromptSubmit": {
      const session = await sessionFor(env, event, options.naming);
      return { stdout: "", session: session.id, stored: (await appendPrompt(env, session, event)) ? 1 : 0 };
    }
    case "Stop":
    case "SubagentStop": {
      const session = await sessionFor(env, event, options.naming);
      const path =
        event.event === "SubagentStop"
          ? (event.agentTranscriptPath ?? event.transcriptPath)
          : event.transcriptPath;
      const stored = await captureTranscript(env, session, path, {
        agentSessionId: event.sessionId,
        // A subagent's own transcript holds the prompts the agent gave it, not the user's.
        prompts: path === event.transcriptPath,
      });
      return { stdout: "", session: session.id, stored };
    }
    case "PreCompact":
    case "SessionEnd": {
      const session = await sessionFor(env, event, options.naming);
      const stored = await captureTranscript(env, session, event.transcriptPath, {
        agentSessionId: event.sessionId,
        prompts: true,
      });
      await recordEvent(env, session, event);
      if (event.event === "SessionEnd" && options.completeOnEnd)
        await env.call("session.complete", { id: session.id });
      return { stdout: "", session: session.id, stored };
    }
  }
}
