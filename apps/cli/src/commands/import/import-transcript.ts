import { basename } from "node:path";
import { type Session, ValidationError } from "@tta-dev/core";
import type { HookEnv } from "../hook/claude-code.js";
import { AGENT_SESSION_ID } from "../hook/event.js";
import { sha } from "../hook/keys.js";
import { transcriptLineLimit } from "../hook/transcript.js";
import { type MessageItem, type SkipReason, type TranscriptFormat, transcriptEntries } from "./entries.js";
import { openTranscript } from "./open-file.js";
import { type Progress, silentProgress } from "./progress.js";
import { claudeCodeSessions, genericSession, givenSession } from "./targets.js";

/** What an import did. */
export interface ImportSummary {
  /** The file's real path. */
  file: string;
  /** `null` for a file with no line to tell (empty, blank lines only). */
  format: TranscriptFormat | null;
  /** The sessions the messages went to, in the order first met. */
  sessions: string[];
  /** Messages in the file. */
  messages: number;
  /** Messages stored by this import. */
  imported: number;
  /** Messages that were already stored (an earlier import, the hook). */
  existing: number;
  /** Lines skipped, in all and by reason. */
  skipped: number;
  skippedBy: Record<SkipReason, number>;
  /** The first line numbers skipped (at most {@link SKIPPED_LINES_SHOWN}). */
  skippedLines: number[];
  /** Bytes read: the file's size when the import started. */
  bytes: number;
}

/** What to import, where to, and where progress goes. */
export interface ImportOptions {
  file: string;
  /** `--session`: every message goes there. */
  session?: string;
  /** The progress to report to, given the file's size. */
  progress?: (size: number) => Progress;
}

/** Skipped line numbers a summary lists at most. */
export const SKIPPED_LINES_SHOWN = 10;
/** Bytes of content in one `message.append` batch at most, whatever `limits.batchAppend` allows. */
const BATCH_BYTES = 8 << 20;
const BATCH_MESSAGES = 500;

/** What the first pass learns before anything is written. */
interface Scan {
  format: TranscriptFormat | null;
  messages: number;
  /** Claude Code sessions met, with the first `cwd` their lines give. */
  agents: Map<string, string | undefined>;
  /** The first message line without an agent session. */
  orphan: number | null;
  skippedBy: Record<SkipReason, number>;
  skippedLines: number[];
}

/**
 * Import a transcript into tta. Two passes over the file, each streamed: the first checks it (format,
 * sessions, skipped lines) and writes nothing; the second appends its messages batch by batch, each
 * under an idempotency key, so that a second import, or one run again after a crash, stores nothing
 * twice. The file is read up to its size when the import started.
 */
export async function importTranscript(env: HookEnv, options: ImportOptions): Promise<ImportSummary> {
  const { handle, size, real } = await openTranscript(options.file);
  const progress = options.progress?.(size) ?? silentProgress;
  try {
    const stem = basename(real).replace(/\.jsonl$/i, "");
    const entryOptions = {
      maxLineBytes: transcriptLineLimit(env.limits.messageContentBytes),
      contentBytes: env.limits.messageContentBytes,
      fallbackAgentSession: AGENT_SESSION_ID.test(stem) ? stem : null,
      keyScope: sha(real).slice(0, 16),
    };
    const scan: Scan = {
      format: null,
      messages: 0,
      agents: new Map(),
      orphan: null,
      skippedBy: { notJson: 0, tooLong: 0, notUtf8: 0, notMessage: 0 },
      skippedLines: [],
    };
    for await (const e of transcriptEntries(handle, size, {
      ...entryOptions,
      onBytes: (at) => progress.update("checking", at, scan.messages),
    })) {
      if (e.kind === "format") scan.format = e.format;
      else if (e.kind === "skip") {
        scan.skippedBy[e.reason]++;
        if (scan.skippedLines.length < SKIPPED_LINES_SHOWN) scan.skippedLines.push(e.no);
      } else {
        scan.messages++;
        if (e.agentSession === null) scan.orphan ??= e.no;
        else if (!scan.agents.has(e.agentSession)) scan.agents.set(e.agentSession, e.cwd);
        else if (scan.agents.get(e.agentSession) === undefined && e.cwd)
          scan.agents.set(e.agentSession, e.cwd);
      }
    }
    const targets = await resolveTargets(env, options, scan, real);
    const counts = { imported: 0, existing: 0 };
    const sessions: string[] = [];
    if (scan.messages > 0) {
      let read = 0;
      const report = () => progress.update("importing", read, counts.imported + counts.existing);
      const appender = batchAppender(env, counts, sessions, report);
      for await (const e of transcriptEntries(handle, size, {
        ...entryOptions,
        onBytes: (at) => {
          read = at;
          report();
        },
      })) {
        if (e.kind !== "message") continue;
        await appender.add(targets(e.agentSession), e.item);
      }
      await appender.flush();
    }
    progress.done();
    const skipped = Object.values(scan.skippedBy).reduce((a, b) => a + b, 0);
    return {
      file: real,
      format: scan.format,
      sessions,
      messages: scan.messages,
      ...counts,
      skipped,
      skippedBy: scan.skippedBy,
      skippedLines: scan.skippedLines,
      bytes: size,
    };
  } finally {
    await handle.close();
  }
}

/** Which session each message goes to, decided (and created where needed) before the first write. */
async function resolveTargets(
  env: HookEnv,
  options: ImportOptions,
  scan: Scan,
  real: string,
): Promise<(agentSession: string | null) => string> {
  if (options.session !== undefined) {
    const session = await givenSession(env, options.session);
    return () => session.id;
  }
  if (scan.messages === 0) return () => "";
  if (scan.format === "generic") {
    const session = await genericSession(env, real);
    return () => session.id;
  }
  if (scan.orphan !== null) {
    throw new ValidationError(
      `line ${scan.orphan}: a Claude Code message without a sessionId, and the file name is not one; give --session S.`,
      { issues: [{ path: `line ${scan.orphan}`, message: "no sessionId" }], line: scan.orphan },
    );
  }
  const mapped: Map<string, Session> = await claudeCodeSessions(env, scan.agents);
  return (agentSession) => mapped.get(agentSession!)!.id;
}

/**
 * Appends messages in batches of at most `limits.batchAppend` (and 500, and 8 MiB of content), one
 * session at a time, counting what was stored and what was there already: a message already stored
 * comes back with a seq at or below the session's last one before the batch.
 */
function batchAppender(
  env: HookEnv,
  counts: { imported: number; existing: number },
  sessions: string[],
  appended: () => void,
) {
  const size = Math.max(1, Math.min(env.limits.batchAppend, BATCH_MESSAGES));
  const lastSeq = new Map<string, number>();
  let batch: MessageItem[] = [];
  let bytes = 0;
  let session = "";
  const flush = async () => {
    if (!batch.length) return;
    let last = lastSeq.get(session);
    if (last === undefined) {
      const newest = await env.call("message.list", { sessionId: session, last: 1 });
      last = newest.items.at(-1)?.seq ?? 0;
    }
    const out = (await env.call("message.append", { sessionId: session, messages: batch })) as {
      items: { seq: number }[];
    };
    const fresh = new Set<number>();
    for (const m of out.items) if (m.seq > last) fresh.add(m.seq);
    counts.imported += fresh.size;
    counts.existing += batch.length - fresh.size;
    lastSeq.set(session, Math.max(last, ...out.items.map((m) => m.seq)));
    batch = [];
    bytes = 0;
    appended();
  };
  return {
    async add(target: string, item: MessageItem) {
      const itemBytes = Buffer.byteLength(item.content, "utf8");
      if (target !== session || batch.length >= size || bytes + itemBytes > BATCH_BYTES) {
        await flush();
        session = target;
        if (!sessions.includes(target)) sessions.push(target);
      }
      batch.push(item);
      bytes += itemBytes;
    },
    flush,
  };
}
