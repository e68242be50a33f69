import { existsSync, statSync } from "node:fs";
import type { OperationName, OutputOf } from "@tta-dev/contract";
import { hasErrorCode, type Limits, MAX_CACHE_TTL_MS, type Session } from "@tta-dev/core";
import type { ClaudeCodeEventName, HookEvent } from "./event.js";
import { promptKey, sha, transcriptMessageKey } from "./keys.js";
import { sessionNameFor } from "./names.js";
import { contentText, readTranscript, tailLines } from "./transcript.js";

/** What the hook is told to do (flags of `tta hook claude-code`). */
export interface HookOptions {
  /** Events to handle; the others are ignored (exit 0, nothing printed). */
  events: ReadonlySet<ClaudeCodeEventName>;
  /** SessionEnd completes the tta session. */
  completeOnEnd: boolean;
  /** The stage SessionStart loads when the session has none recorded. */
  defaultStage: string;
  /** Longest additionalContext printed (characters). */
  maxContextChars: number;
}

/** How the hook reaches tta: one contract operation at a time, checked like any other call. */
export interface HookEnv {
  call<N extends OperationName>(name: N, input: Record<string, unknown>): Promise<OutputOf<N>>;
  limits: Limits;
  now(): number;
  /** The folder the session name is derived from when the event has no `cwd`. */
  cwd: string;
  warn(message: string): void;
}

/** Bytes of transcript read by one hook run at most; the rest is read by the next run. */
export const TRANSCRIPT_BYTES_PER_RUN = 16 << 20;
/** Bytes at the end of the transcript searched for a submitted prompt. */
const PROMPT_TAIL_BYTES = 512 << 10;
const TRANSCRIPT_CURSOR = "claude-code.transcript.";
const EVENT_RECORD = "claude-code.event.";
const CLAUDE_CODE_TAG = "claude-code";

/** The tag that marks the tta session of one agent session (tags allow `[a-z0-9._:/-]`). */
export function agentTag(agentSessionId: string): string {
  return `claude-code:${agentSessionId.toLowerCase().replace(/_/g, ".")}`;
}

/** `text` cut to at most `bytes` UTF-8 bytes, on a character boundary, marked when cut. */
function fit(text: string, bytes: number): string {
  if (Buffer.byteLength(text, "utf8") <= bytes) return text;
  const mark = "\n[… cut by tta: over the message limit]";
  let cut = Buffer.from(text, "utf8")
    .subarray(0, Math.max(0, bytes - Buffer.byteLength(mark)))
    .toString("utf8");
  if (cut.endsWith("\uFFFD")) cut = cut.slice(0, -1);
  return cut + mark;
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

/**
 * The tta session of an agent session: the active one tagged with its id, else a new one named after
 * the work (`{component}-{purpose}-{date}` from the git branch or the folder). The mapping lives in
 * tta itself, as the session's tag.
 */
export async function sessionFor(env: HookEnv, event: HookEvent): Promise<Session> {
  const tag = agentTag(event.sessionId);
  const found = await env.call("session.list", { tag, status: "active", limit: 1 });
  if (found.items[0]) return found.items[0];
  const cwd = event.cwd ?? env.cwd;
  for (let attempt = 1; attempt <= 20; attempt++) {
    const id = sessionNameFor(cwd, env.now(), attempt);
    try {
      return await env.call("session.create", {
        id,
        title: `Claude Code session ${event.sessionId}`,
        tags: [CLAUDE_CODE_TAG, tag],
        metadata: { agent: "claude-code", agentSessionId: event.sessionId, cwd: cwd.slice(0, 1024) },
      });
    } catch (error) {
      if (!hasErrorCode(error, "ALREADY_EXISTS")) throw error;
      // Another run for the same agent session may have created it a moment ago.
      const taken = await env.call("session.get", { id }).catch(() => null);
      if (taken?.status === "active" && taken.tags.includes(tag)) return taken;
    }
  }
  throw new Error(`no free session name for agent session ${event.sessionId} after 20 attempts`);
}

/** Append the assistant messages of the transcript written since the last capture. */
export async function captureTranscript(
  env: HookEnv,
  session: Session,
  path: string | undefined,
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
  const from =
    typeof (cursor?.value as { offset?: unknown } | undefined)?.offset === "number"
      ? (cursor!.value as { offset: number }).offset
      : 0;
  const read = readTranscript(file, from, {
    maxBytes: TRANSCRIPT_BYTES_PER_RUN,
    maxLineBytes: env.limits.messageContentBytes * 2 + (64 << 10),
    roles: new Set(["assistant"]),
  });
  const items = read.messages.map((m) => ({
    role: m.role,
    content: fit(m.content, env.limits.messageContentBytes),
    metadata: {
      source: "claude-code",
      ...(m.uuid ? { uuid: m.uuid } : {}),
      ...(m.timestamp ? { timestamp: m.timestamp } : {}),
      ...(m.tools.length ? { tools: m.tools.slice(0, 32) } : {}),
      ...(m.sidechain ? { sidechain: true } : {}),
    },
    idempotencyKey: transcriptMessageKey(m),
  }));
  const size = Math.max(1, Math.min(env.limits.batchAppend, 200));
  for (let i = 0; i < items.length; i += size) {
    await env.call("message.append", { sessionId: session.id, messages: items.slice(i, i + size) });
  }
  if (read.next !== from) {
    await env.call("cache.set", {
      sessionId: session.id,
      key,
      value: { offset: read.next },
      ttlMs: MAX_CACHE_TTL_MS,
    });
  }
  if (read.skipped) env.warn(`skipped ${read.skipped} transcript line(s) that are not JSON or are too long`);
  if (read.more) env.warn("transcript read stopped at the per-run limit; the next event reads on");
  return items.length;
}

/**
 * Where a prompt sits in the transcript: the line before its last occurrence, or (not written yet)
 * the last line — the line it will follow. The same event seen again gives the same anchor.
 */
function promptAnchor(path: string | undefined, prompt: string): string {
  const file = transcriptFile(path);
  if (!file) return "no-transcript";
  const { lines, fromStart } = tailLines(file, PROMPT_TAIL_BYTES);
  const withIds = lines.filter((l) => typeof l.uuid === "string");
  let at = -1;
  for (let i = withIds.length - 1; i >= 0; i--) {
    const l = withIds[i]!;
    const message = l.message as { content?: unknown } | undefined;
    if (l.type === "user" && message && contentText(message.content).content.trim() === prompt.trim()) {
      at = i;
      break;
    }
  }
  if (at === -1) return String(withIds.at(-1)?.uuid ?? "start");
  if (at > 0) return String(withIds[at - 1]!.uuid);
  return fromStart ? "start" : `at:${String(withIds[0]!.uuid)}`;
}

/** Append the submitted prompt as a user message, under a key derived from the event. */
export async function appendPrompt(env: HookEnv, session: Session, event: HookEvent): Promise<boolean> {
  const prompt = event.prompt ?? "";
  if (!prompt.trim()) return false;
  const anchor = promptAnchor(event.transcriptPath, prompt);
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

/** One line of text for a list item: no line breaks, no control characters, no markup openers. */
function oneLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, " ")
    .replace(/^[#>\-*\s]+/, "")
    .trim();
}

/** After a compaction: the active PAFs and the session's decisions the context does not show yet. */
async function afterCompact(
  env: HookEnv,
  session: Session,
  loaded: OutputOf<"context.load">,
): Promise<string> {
  const shownPafs = new Set(loaded.context.layers.pafs.map((p) => p.id));
  const shownMemories = new Set(loaded.context.layers.deep.map((h) => h.memory.id));
  const out: string[] = [];
  try {
    const pafs = (await env.call("paf.list", {})).items.filter((p) => !shownPafs.has(p.id));
    if (pafs.length) {
      out.push("## Permanent architectural facts (kept across the compaction)", "");
      for (const p of pafs) out.push(`- **${oneLine(p.id)}**: ${oneLine(p.text)}`);
      out.push("");
    }
  } catch (error) {
    if (!hasErrorCode(error, "PAF_FILE_NOT_FOUND")) throw error;
  }
  const decisions = (
    await env.call("memory.search", { sessionId: session.id, kinds: ["decision"], limit: 100 })
  ).items
    .map((h) => h.memory)
    .filter((m) => !shownMemories.has(m.id));
  if (decisions.length) {
    out.push("## Decisions of this session (kept across the compaction)", "");
    for (const m of decisions) out.push(`- ${oneLine(m.content)}`);
    out.push("");
  }
  return out.join("\n");
}

/** `text` cut to `max` characters at a line break, saying so. */
function cap(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = "\n\n[tta: context cut at the hook's character limit]\n";
  const room = Math.max(0, max - note.length);
  const cut = text.lastIndexOf("\n", room);
  return `${text.slice(0, cut > 0 ? cut : room)}${note}`;
}

/** SessionStart: the context of the session's stage as the documented hook output JSON. */
async function sessionStart(env: HookEnv, options: HookOptions, event: HookEvent): Promise<string> {
  const session = await sessionFor(env, event);
  const stage = session.stage ?? options.defaultStage;
  const loaded = await env.call("context.load", { sessionId: session.id, stage, format: "markdown" });
  const head = `tta session \`${session.id}\` (stage ${stage}${session.stage ? "" : ", none recorded: set it with `tta stage set`"}).\n\n`;
  let context = head + (loaded.rendered ?? "");
  if (event.source === "compact") context += `\n${await afterCompact(env, session, loaded)}`;
  const output = {
    hookSpecificOutput: {
      hookEventName: "SessionStart",
      additionalContext: cap(context, options.maxContextChars),
    },
  };
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
      const session = await sessionFor(env, event);
      return { stdout: "", session: session.id, stored: (await appendPrompt(env, session, event)) ? 1 : 0 };
    }
    case "Stop":
    case "SubagentStop": {
      const session = await sessionFor(env, event);
      const path =
        event.event === "SubagentStop"
          ? (event.agentTranscriptPath ?? event.transcriptPath)
          : event.transcriptPath;
      return { stdout: "", session: session.id, stored: await captureTranscript(env, session, path) };
    }
    case "PreCompact":
    case "SessionEnd": {
      const session = await sessionFor(env, event);
      const stored = await captureTranscript(env, session, event.transcriptPath);
      await recordEvent(env, session, event);
      if (event.event === "SessionEnd" && options.completeOnEnd)
        await env.call("session.complete", { id: session.id });
      return { stdout: "", session: session.id, stored };
    }
  }
}
