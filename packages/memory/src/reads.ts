import {
  type BatchRead,
  type CacheEntry,
  cacheScope,
  type LogEntry,
  type Message,
  messagesScope,
  type RecordPage,
  type Session,
  type StoredRecord,
  sessionsScope,
} from "@tta-dev/core";
import { toCacheEntry, toMessage, toSession } from "./records.js";

/**
 * Reads of one session's layers that can travel together in one `backend.batch` call, and their
 * decoders, so that a loader pays one round trip for the session, its latest messages and its cache.
 *
 * @example
 * const reads = sessionLayerReads("default", sessionId);
 * const [s, log, cache] = await backend.batch([reads.session(), reads.lastMessages(50), reads.cache(100)]);
 * const session = reads.decodeSession(s);           // null when missing
 * const messages = reads.decodeMessages(log);
 * const entries = reads.decodeCache(cache, clock.now());
 */
export function sessionLayerReads(namespace: string, sessionId: string) {
  return {
    session: (): BatchRead => ({ op: "get", scope: sessionsScope(namespace), key: sessionId }),
    lastMessages: (n: number): BatchRead => ({
      op: "readLog",
      scope: messagesScope(namespace, sessionId),
      options: { fromEnd: true, limit: n },
    }),
    messagesAfter: (afterSeq: number, limit: number): BatchRead => ({
      op: "readLog",
      scope: messagesScope(namespace, sessionId),
      options: { afterSeq, limit },
    }),
    cache: (limit: number): BatchRead => ({
      op: "list",
      scope: cacheScope(namespace, sessionId),
      options: { limit },
    }),
    decodeSession: (result: unknown): Session | null =>
      result ? toSession(namespace, result as StoredRecord) : null,
    decodeMessages: (result: unknown): Message[] =>
      (result as LogEntry[]).map((e) => toMessage(namespace, sessionId, e)),
    /** Live entries only: whatever the backend returned, an entry expired at `nowMs` is dropped. */
    decodeCache: (result: unknown, nowMs: number): CacheEntry[] =>
      (result as RecordPage).items
        .filter((r) => r.expiresAt === null || r.expiresAt > nowMs)
        .map((r) => toCacheEntry(namespace, sessionId, r)),
  };
}

/** The read builders of {@link sessionLayerReads}. */
export type SessionLayerReads = ReturnType<typeof sessionLayerReads>;
