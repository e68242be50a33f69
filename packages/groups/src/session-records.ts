import {
  BackendCorruptError,
  type BatchRead,
  DeepMemory,
  type DeepMemory as DeepMemoryType,
  type LogEntry,
  type MemoryBackend,
  Message,
  memoriesScope,
  messagesScope,
  parseStored,
  Session,
  type StoredRecord,
  sessionsScope,
} from "@tta-dev/core";

/**
 * Direct, validated reads of records that @tta-dev/memory owns (sessions, message logs, memories). The
 * group store only reads them: to check that a session exists and to assemble a group's context when no
 * reader is injected.
 */
export interface SessionRecords {
  /** The session, or `null` when it does not exist. */
  session(sessionId: string): Promise<Session | null>;
  /**
   * Several sessions and, when `lastN > 0`, their last `lastN` messages, in one backend `batch` call.
   * A missing session comes back as `null` with no messages.
   */
  sessionsWithMessages(
    sessionIds: readonly string[],
    lastN: number,
  ): Promise<{ session: Session | null; messages: Message[] }[]>;
  /** Every deep memory linked to the group, oldest first. */
  memoriesOfGroup(groupId: string): Promise<DeepMemoryType[]>;
}

/** Options of {@link createSessionRecords}. */
export interface SessionRecordsOptions {
  backend: MemoryBackend;
  namespace: string;
}

/** A stored value with the record's version, which is the entity's version. */
function withVersion(record: StoredRecord): unknown {
  const v = record.value;
  return typeof v === "object" && v !== null && !Array.isArray(v) ? { ...v, version: record.version } : v;
}

/**
 * Create the read-only view of sessions, messages and memories used by the group store.
 *
 * @example
 * const records = createSessionRecords({ backend, namespace: "default" });
 * const exists = (await records.session("api-debug-2025-10-28")) !== null;
 */
export function createSessionRecords(options: SessionRecordsOptions): SessionRecords {
  const { backend, namespace } = options;
  const sessions = sessionsScope(namespace);

  function decodeSession(id: string, record: StoredRecord | null): Session | null {
    if (!record) return null;
    const place = `sessions/${id} in namespace "${namespace}"`;
    // The record's version is the entity's version, whatever the stored value says.
    const session = parseStored(Session, withVersion(record), place);
    if (session.id !== id) {
      throw new BackendCorruptError(`Corrupt data at ${place}: id is "${session.id}", not the record key.`, {
        place,
        issues: [{ path: "id", message: "does not match the record key" }],
      });
    }
    return session;
  }

  function decodeMessages(sessionId: string, entries: LogEntry[]): Message[] {
    return entries.map((entry) =>
      parseStored(
        Message,
        {
          ...(typeof entry.value === "object" && entry.value !== null ? entry.value : {}),
          sessionId,
          seq: entry.seq,
          ...(entry.idempotencyKey !== undefined ? { idempotencyKey: entry.idempotencyKey } : {}),
        },
        `messages/${sessionId}#${entry.seq} in namespace "${namespace}"`,
      ),
    );
  }

  return {
    async session(sessionId) {
      return decodeSession(sessionId, await backend.get(sessions, sessionId));
    },

    async sessionsWithMessages(sessionIds, lastN) {
      if (sessionIds.length === 0) return [];
      const reads: BatchRead[] = [{ op: "getMany", scope: sessions, keys: [...sessionIds] }];
      if (lastN > 0) {
        for (const id of sessionIds) {
          reads.push({
            op: "readLog",
            scope: messagesScope(namespace, id),
            options: { fromEnd: true, limit: lastN },
          });
        }
      }
      const results = await backend.batch(reads);
      const records = results[0] as (StoredRecord | null)[];
      return sessionIds.map((id, i) => {
        const session = decodeSession(id, records[i] ?? null);
        // A deleted session's leftover log (no cascade) is not shown: it has no session to belong to.
        const messages = session && lastN > 0 ? decodeMessages(id, results[i + 1] as LogEntry[]) : [];
        return { session, messages };
      });
    },

    async memoriesOfGroup(groupId) {
      const scope = memoriesScope(namespace);
      const out: DeepMemoryType[] = [];
      let cursor: string | undefined;
      do {
        const page = await backend.list(scope, { limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const record of page.items) {
          const memory = parseStored(
            DeepMemory,
            withVersion(record),
            `memories/${record.key} in namespace "${namespace}"`,
          );
          if (memory.groupIds.includes(groupId)) out.push(memory);
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out.sort((a, b) =>
        a.createdAt < b.createdAt
          ? -1
          : a.createdAt > b.createdAt
            ? 1
            : a.id < b.id
              ? -1
              : a.id > b.id
                ? 1
                : 0,
      );
    },
  };
}
