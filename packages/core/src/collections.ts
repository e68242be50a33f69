import type { Scope } from "./port.js";

/**
 * The collections and logs tta keeps, shared by the domain packages and by backends that give some
 * of them a special layout (the file backend keeps `groups` in `.tta/session_groups.json`).
 *
 * | scope | kind | key / value |
 * |---|---|---|
 * | sessions | records | session id → `Session` |
 * | messages (partition = session id) | log | `StoredMessage`; idempotency keys per session |
 * | cache (partition = session id) | records with TTL | cache key → `StoredCacheValue` |
 * | memories | records | memory id → `DeepMemory` |
 * | memory-changes | log | `{ id, op, base, at }` announced before every memory write, so other processes refresh their index |
 * | groups | records | group id → `SessionGroup` |
 */
export const Collections = {
  sessions: "sessions",
  messages: "messages",
  cache: "cache",
  memories: "memories",
  memoryChanges: "memory-changes",
  groups: "groups",
} as const;

export const sessionsScope = (namespace: string): Scope => ({ namespace, collection: Collections.sessions });
export const messagesScope = (namespace: string, sessionId: string): Scope => ({
  namespace,
  collection: Collections.messages,
  partition: sessionId,
});
export const cacheScope = (namespace: string, sessionId: string): Scope => ({
  namespace,
  collection: Collections.cache,
  partition: sessionId,
});
export const memoriesScope = (namespace: string): Scope => ({ namespace, collection: Collections.memories });
export const memoryChangesScope = (namespace: string): Scope => ({
  namespace,
  collection: Collections.memoryChanges,
});
export const groupsScope = (namespace: string): Scope => ({ namespace, collection: Collections.groups });

/** The value of a message log entry; `seq` and `idempotencyKey` live on the entry, `sessionId` in the scope. */
export interface StoredMessage {
  role: "user" | "assistant" | "system" | "tool";
  content: string;
  metadata: Record<string, unknown>;
  createdAt: string;
}

/** The value of a cache record; version and expiry live on the record. */
export interface StoredCacheValue {
  value: unknown;
  createdAt: string;
}

/**
 * The value of a memory-changes log entry. A writer appends it *before* it writes the memory record:
 * `base` is the record's version before the write (0: it is created) and `at` the writer's clock
 * (epoch ms). A reader that finds the record not yet changed past `base` keeps checking it for a
 * while, so a write announced but not yet done (or never done) cannot be missed or invented. An entry
 * without `base` announces a write that is already done.
 */
export interface MemoryChange {
  id: string;
  op: "put" | "delete";
  base?: number;
  at?: number;
}

/** The default namespace. */
export const DEFAULT_NAMESPACE = "default";
