import {
  type AppendedEntry,
  checkCountLimit,
  isTimestamp,
  type LogEntry,
  type LogItem,
  type Message,
  messagesScope,
  quickMessageAppend,
  quickMessageList,
  SessionNotFoundError,
  type StoredMessage,
  type StoredRecord,
  sessionsScope,
  ValidationError,
} from "@tta-dev/core";
import type { z } from "zod";
import { type MemoryContext, type MemoryContextOptions, resolveMemoryContext } from "./context.js";
import { checkMeta, checkNotBlank, checkText, parseInput } from "./guards.js";
import { toMessage } from "./records.js";
import type { Page } from "./schemas/common.js";
import {
  DEFAULT_MESSAGE_PAGE,
  MessageAppendBatchInput,
  MessageAppendInput,
  MessageListInput,
} from "./schemas/message.js";
import { appendToActiveSession, checkLookupId } from "./session-lookup.js";

/** Messages of a session (docs/domain.md#messages). */
export interface MessageStore {
  /** Append one message; a known idempotency key returns the original. */
  append(input: MessageAppendInput): Promise<Message>;
  /** Append a batch with consecutive seqs, all or nothing. */
  appendBatch(input: MessageAppendBatchInput): Promise<Message[]>;
  /** Newest messages, messages after a seq, or since a time (see `MessageListInput`). */
  list(input: MessageListInput): Promise<Page<Message>>;
}

/** Options of {@link createMessageStore}. */
export type MessageStoreOptions = MemoryContextOptions;

/** Backward pages when looking for where `since` starts. */
const SINCE_PAGE = 1000;

/**
 * Messages over any backend.
 *
 * @example
 * const messages = createMessageStore({ backend });
 * await messages.append({ sessionId: "auth-refactor-2026-11-25", role: "user", content: "Start here" });
 * const { items } = await messages.list({ sessionId: "auth-refactor-2026-11-25", last: 20 });
 */
export function createMessageStore(options: MessageStoreOptions): MessageStore {
  return createMessageStoreIn(resolveMemoryContext(options));
}

/** {@link createMessageStore} over a resolved context. */
export function createMessageStoreIn(ctx: MemoryContext): MessageStore {
  const { namespace, limits } = ctx;

  const prepare = (items: z.output<typeof MessageAppendBatchInput>["messages"], now: string): LogItem[] =>
    items.map((m, i) => {
      const field = items.length === 1 ? "" : `messages.${i}.`;
      checkNotBlank(m.content, `${field}content`);
      checkText(m.content, limits.messageContentBytes, `${field}content`);
      const metadata = checkMeta(m.metadata, limits, `${field}metadata`);
      const value: StoredMessage = { role: m.role, content: m.content, metadata, createdAt: now };
      return { value, ...(m.idempotencyKey !== undefined ? { idempotencyKey: m.idempotencyKey } : {}) };
    });

  async function appendAll(sessionId: string, items: z.output<typeof MessageAppendBatchInput>["messages"]) {
    const id = checkLookupId(sessionId);
    if (items.length === 0) {
      throw new ValidationError("messages: must hold at least one message", {
        issues: [{ path: "messages", message: "empty" }],
      });
    }
    checkCountLimit(items.length, limits.batchAppend, "messages");
    const prepared = prepare(items, ctx.nowIso());
    const appended = await appendToActiveSession(ctx, id, prepared);
    const out: Message[] = new Array(appended.length);
    for (let i = 0; i < appended.length; i++) {
      out[i] = ownMessage(id, appended[i]!, prepared[i]!) ?? toMessage(namespace, id, appended[i]!);
    }
    return out;
  }

  return {
    async append(raw) {
      const { sessionId, ...message } =
        quickMessageAppend(raw) ?? parseInput(MessageAppendInput, raw, "message.append input");
      return (await appendAll(sessionId, [message]))[0]!;
    },

    async appendBatch(raw) {
      const input = parseInput(MessageAppendBatchInput, raw, "message.appendBatch input");
      return appendAll(input.sessionId, input.messages);
    },

    async list(raw) {
      const input = quickMessageList(raw) ?? parseInput(MessageListInput, raw, "message.list input");
      return listMessages(ctx, input);
    },
  };
}

/**
 * The message just appended, from the value the store built rather than the backend's copy of it
 * (no parse of the stored JSON): only where the two are the same by construction, a new entry whose
 * metadata is empty. `null` otherwise; the caller then maps the stored entry.
 */
function ownMessage(sessionId: string, entry: AppendedEntry, item: LogItem): Message | null {
  if (entry.duplicate !== false || !Number.isSafeInteger(entry.seq) || entry.seq < 1) return null;
  const value = item.value as StoredMessage;
  if (!isTimestamp(value.createdAt)) return null;
  for (const _ in value.metadata) return null;
  const message: Message = {
    sessionId,
    seq: entry.seq,
    role: value.role,
    content: value.content,
    metadata: {},
    createdAt: value.createdAt,
  };
  if (entry.idempotencyKey !== undefined) {
    if (entry.idempotencyKey !== item.idempotencyKey) return null;
    message.idempotencyKey = entry.idempotencyKey;
  }
  return message;
}

function afterSeqOf(input: z.output<typeof MessageListInput>): number | undefined {
  if (input.cursor === undefined) return input.afterSeq;
  if (!/^\d{1,15}$/.test(input.cursor)) {
    throw new ValidationError("cursor: not a cursor returned by message.list", {
      issues: [{ path: "cursor", message: "invalid cursor" }],
    });
  }
  return Number(input.cursor);
}

async function listMessages(
  ctx: MemoryContext,
  input: z.output<typeof MessageListInput>,
): Promise<Page<Message>> {
  const { backend, namespace } = ctx;
  const id = checkLookupId(input.sessionId);
  const afterSeq = afterSeqOf(input);
  if (input.last !== undefined && afterSeq !== undefined) {
    throw new ValidationError("last: cannot be combined with afterSeq or cursor", {
      issues: [{ path: "last", message: "conflicts with afterSeq" }],
    });
  }
  const scope = messagesScope(namespace, id);
  const sinceMs = input.since === undefined ? null : Date.parse(input.since);
  const isRecent = (e: LogEntry) =>
    sinceMs === null || Date.parse(toMessage(namespace, id, e).createdAt) >= sinceMs;
  const limit = input.limit ?? DEFAULT_MESSAGE_PAGE;
  const read = async (options: {
    afterSeq?: number;
    beforeSeq?: number;
    limit: number;
    fromEnd?: boolean;
  }) => {
    const [session, entries] = (await backend.batch([
      { op: "get", scope: sessionsScope(namespace), key: id },
      { op: "readLog", scope, options },
    ])) as [StoredRecord | null, LogEntry[]];
    // Listing needs the session to exist, not its parsed record (a zod parse costs as much as the rest).
    if (session === null) throw new SessionNotFoundError(id, namespace);
    return entries;
  };

  if (afterSeq !== undefined) {
    // Forward from a seq: one read of limit + 1 tells whether more follow.
    const entries = await read({ afterSeq, limit: limit + 1 });
    const page = entries.slice(0, limit);
    const items = page.filter(isRecent).map((e) => toMessage(namespace, id, e));
    const more = entries.length > limit;
    return { items, nextCursor: more ? String(page[page.length - 1]!.seq) : null };
  }

  if (sinceMs !== null && input.last === undefined) {
    // The oldest messages since a time: walk back page by page until an older one, then forward.
    let beforeSeq: number | undefined;
    let found: LogEntry[] = [];
    for (;;) {
      const entries = await read({ fromEnd: true, limit: SINCE_PAGE, ...(beforeSeq ? { beforeSeq } : {}) });
      let start = entries.length;
      while (start > 0 && isRecent(entries[start - 1]!)) start--;
      // Only the oldest limit + 1 are ever returned: older pages come first, so keep the head.
      found = entries
        .slice(start)
        .concat(found)
        .slice(0, limit + 1);
      if (start > 0 || entries.length < SINCE_PAGE || entries[0]!.seq === 1) break;
      beforeSeq = entries[0]!.seq;
    }
    const page = found.slice(0, limit);
    const more = found.length > limit;
    return {
      items: page.map((e) => toMessage(namespace, id, e)),
      nextCursor: more ? String(page[page.length - 1]!.seq) : null,
    };
  }

  // The newest `last` (or `limit`) messages, optionally only those since a time.
  const entries = await read({ fromEnd: true, limit: input.last ?? limit });
  let start = entries.length;
  while (start > 0 && isRecent(entries[start - 1]!)) start--;
  return { items: entries.slice(start).map((e) => toMessage(namespace, id, e)), nextCursor: null };
}
