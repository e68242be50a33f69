import {
  BackendCorruptError,
  cacheScope,
  groupsScope,
  type MemoryBackend,
  memoriesScope,
  messagesScope,
  type Paf,
  parseStored,
  SessionGroup,
  SessionNotFoundError,
  type StoredRecord,
  sessionsScope,
} from "@tta-dev/core";
import { allRecords } from "../forget.js";
import { toCacheEntry, toMemory, toMessage, toSession } from "../records.js";
import { createBundleWriter } from "./format.js";

/** What {@link exportBundle} writes. */
export interface ExportOptions {
  backend: MemoryBackend;
  namespace: string;
  /** Written in the header: the program and version that made the bundle (`tta 0.1.0`). */
  tool: string;
  /** Only these sessions, their messages and cache, the memories linked to them, their groups. */
  sessions?: readonly string[];
  /**
   * Only messages, cache entries, memories and groups created or changed at or after this instant
   * (ISO 8601); the sessions are all written (what is imported needs its session).
   */
  since?: string;
  /** The PAF snapshot to include (parsed by the caller from PAFCORE.md). */
  pafs?: readonly Paf[];
  /** Clock of the header's `createdAt` (epoch ms). */
  now?: () => number;
}

/** Log entries are read a page at a time (records too): memory stays flat whatever the store holds. */
const PAGE = 1000;

function toGroup(namespace: string, record: StoredRecord): SessionGroup {
  const place = `groups/${record.key} in namespace "${namespace}"`;
  const group = parseStored(SessionGroup, record.value, place);
  if (group.id !== record.key) {
    throw new BackendCorruptError(`Corrupt data at ${place}: id is "${group.id}", not the record key.`, {
      place,
    });
  }
  return group;
}

/**
 * A bundle of one namespace, as lines (newline included) to write in order: the header, every
 * session, each session's messages (with their seqs and idempotency keys) and live cache entries, the
 * memories, the groups, the PAF snapshot, and the trailer. Streaming: a page of records or log entries
 * is held at a time, plus the ids of the sessions exported. A named session that does not exist fails
 * `SESSION_NOT_FOUND` before the first line.
 */
export async function* exportBundle(options: ExportOptions): AsyncGenerator<string> {
  const { backend, namespace } = options;
  const since = options.since;
  const after = (iso: string) => since === undefined || iso >= since;
  const wanted = options.sessions ? new Set(options.sessions) : null;
  if (wanted) {
    const found = await backend.getMany(sessionsScope(namespace), [...wanted]);
    const missing = [...wanted].find((_, i) => found[i] === null);
    if (missing !== undefined) throw new SessionNotFoundError(missing);
  }
  const writer = createBundleWriter();
  yield writer.header({
    tool: options.tool,
    namespace,
    createdAt: new Date(options.now?.() ?? Date.now()).toISOString(),
    selection: {
      ...(options.sessions ? { sessions: [...options.sessions] } : {}),
      ...(since ? { since } : {}),
    },
  });
  const ids: string[] = [];
  for await (const record of allRecords(backend, sessionsScope(namespace))) {
    if (wanted && !wanted.has(record.key)) continue;
    // Every session is written, even with `since`: a message imported needs its session.
    const session = toSession(namespace, record);
    ids.push(session.id);
    yield writer.entity({ type: "session", session });
  }
  for (const id of ids) {
    const scope = messagesScope(namespace, id);
    let afterSeq = 0;
    for (;;) {
      const entries = await backend.readLog(scope, { afterSeq, limit: PAGE });
      for (const entry of entries) {
        const message = toMessage(namespace, id, entry);
        if (after(message.createdAt)) yield writer.entity({ type: "message", message });
      }
      if (entries.length < PAGE) break;
      afterSeq = entries.at(-1)!.seq;
    }
  }
  for (const id of ids) {
    for await (const record of allRecords(backend, cacheScope(namespace, id))) {
      const entry = toCacheEntry(namespace, id, record);
      if (after(entry.createdAt)) yield writer.entity({ type: "cache", entry });
    }
  }
  const exported = new Set(ids);
  for await (const record of allRecords(backend, memoriesScope(namespace))) {
    const memory = toMemory(namespace, record);
    if (wanted && !(memory.sessionId !== undefined && exported.has(memory.sessionId))) continue;
    if (after(memory.updatedAt)) yield writer.entity({ type: "memory", memory });
  }
  for await (const record of allRecords(backend, groupsScope(namespace))) {
    const group = toGroup(namespace, record);
    if (wanted && !group.sessionIds.some((s) => exported.has(s))) continue;
    if (after(group.updatedAt)) yield writer.entity({ type: "group", group });
  }
  for (const paf of options.pafs ?? []) yield writer.entity({ type: "paf", paf });
  yield writer.trailer();
}
