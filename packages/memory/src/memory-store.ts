import type { ForgetInput, ForgetReceipt, MemoryBackend } from "@tta-dev/core";
import { type CacheStore, createCacheStoreIn } from "./cache.js";
import { type MemoryContextOptions, resolveMemoryContext } from "./context.js";
import { createDeepMemoryIn, type DeepMemoryStore, type GroupLinks } from "./deep-memory.js";
import { type ForgetOptions, forgetIn } from "./forget.js";
import { createMessageStoreIn, type MessageStore } from "./messages.js";
import { type SessionLayerReads, sessionLayerReads } from "./reads.js";
import { createSessionStoreIn, type OnSessionDelete, type SessionStore } from "./sessions.js";

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions extends MemoryContextOptions {
  /** Called by a cascading session delete to remove the session from its groups. */
  onSessionDelete?: OnSessionDelete;
  /**
   * What the store needs to know of session groups: that linked groups exist, and a session's
   * memberships (a delete without cascade refuses while it has any). Without it, group ids are taken
   * as given.
   */
  groups?: GroupLinks;
}

/** Sessions, messages, cache and deep memory of one namespace over one backend. */
export interface MemoryStore {
  readonly namespace: string;
  readonly backend: MemoryBackend;
  readonly sessions: SessionStore;
  readonly messages: MessageStore;
  readonly cache: CacheStore;
  readonly memories: DeepMemoryStore;
  /** Batch-read builders for one session's layers (one round trip for a loader). */
  reads(sessionId: string): SessionLayerReads;
  /**
   * Forget what retention rules and named ids take (docs/domain.md#forgetting); with `dryRun`, only
   * the receipt of what would go.
   */
  forget(input: ForgetInput, options?: ForgetOptions): Promise<ForgetReceipt>;
}

/**
 * The four memory layers (docs/domain.md#sessions to #deep-memory) over any backend, sharing one namespace, clock and limits.
 *
 * @example
 * const store = createMemoryStore({ backend: createInMemoryBackend() });
 * await store.sessions.create({ id: "auth-refactor-2026-11-25" });
 * await store.messages.append({ sessionId: "auth-refactor-2026-11-25", content: "hello" });
 * await store.memories.create({ content: "Pool Redis connections", kind: "lesson", tags: ["redis"] });
 * const hits = await store.memories.search({ query: "redis" });
 */
export function createMemoryStore(options: MemoryStoreOptions): MemoryStore {
  const ctx = resolveMemoryContext(options);
  const memories = createDeepMemoryIn(ctx, options.groups);
  const sessions = createSessionStoreIn(ctx, memories, {
    ...(options.onSessionDelete ? { onSessionDelete: options.onSessionDelete } : {}),
    ...(options.groups ? { groups: options.groups } : {}),
  });
  const groups = options.groups;
  return {
    namespace: ctx.namespace,
    backend: ctx.backend,
    sessions,
    messages: createMessageStoreIn(ctx),
    cache: createCacheStoreIn(ctx),
    memories,
    reads: (sessionId) => sessionLayerReads(ctx.namespace, sessionId),
    forget: (input, forgetOptions = {}) =>
      forgetIn(ctx, { sessions, memories }, input, {
        ...(groups ? { memberships: (id: string) => groups.memberships(id) } : {}),
        ...forgetOptions,
      }),
  };
}
