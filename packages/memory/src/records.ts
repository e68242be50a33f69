import {
  BackendCorruptError,
  CacheEntry,
  DeepMemory,
  type LogEntry,
  Message,
  parseStored,
  quickMessage,
  Session,
  type StoredRecord,
  toIso,
} from "@tta-dev/core";

function spread(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { value };
}

/** A session record as the entity; the record's version is the session's version. */
export function toSession(namespace: string, record: StoredRecord): Session {
  return parseStored(
    Session,
    { ...spread(record.value), version: record.version },
    `namespace "${namespace}", sessions/${record.key}`,
  );
}

/** A message log entry as the entity. */
export function toMessage(namespace: string, sessionId: string, entry: LogEntry): Message {
  const quick = quickMessage(sessionId, entry.seq, entry.value, entry.idempotencyKey);
  if (quick !== null) return quick;
  // Only a broken entry gets here: the schema says what is wrong with it.
  const value = spread(entry.value);
  return parseStored(
    Message,
    {
      sessionId,
      seq: entry.seq,
      role: value.role,
      content: value.content,
      metadata: value.metadata,
      createdAt: value.createdAt,
      ...(entry.idempotencyKey !== undefined ? { idempotencyKey: entry.idempotencyKey } : {}),
    },
    `namespace "${namespace}", messages/${sessionId} seq ${entry.seq}`,
  );
}

/** A cache record as the entity; a record without expiry breaks the cache's invariant and is corrupt. */
export function toCacheEntry(namespace: string, sessionId: string, record: StoredRecord): CacheEntry {
  const place = `namespace "${namespace}", cache/${sessionId}/${record.key}`;
  if (record.expiresAt === null) {
    throw new BackendCorruptError(`Corrupt data at ${place}: a cache entry without expiry`, { place });
  }
  const value = spread(record.value);
  const entry = parseStored(
    CacheEntry,
    {
      sessionId,
      key: record.key,
      value: value.value,
      createdAt: value.createdAt,
      expiresAt: toIso(record.expiresAt),
      version: record.version,
    },
    place,
  );
  if (!("value" in value)) {
    throw new BackendCorruptError(`Corrupt data at ${place}: value: missing`, { place });
  }
  return entry;
}

/** A memory record as the entity. */
export function toMemory(namespace: string, record: StoredRecord): DeepMemory {
  return parseStored(
    DeepMemory,
    { ...spread(record.value), version: record.version },
    `namespace "${namespace}", memories/${record.key}`,
  );
}

/** The stored value of an entity: everything but the version, which lives on the record. */
export function withoutVersion<T extends { version: number }>(entity: T): Omit<T, "version"> {
  const { version: _version, ...rest } = entity;
  return rest;
}
