import {
  checkCountLimit,
  checkSessionId,
  type DeepMemory,
  hasErrorCode,
  isSafeId,
  type MemoryChange,
  type MemoryHit,
  MemoryNotFoundError,
  memoriesScope,
  memoryChangesScope,
  NameInvalidError,
  VersionConflictError,
} from "@tta-dev/core";
import { monotonicFactory } from "ulid";
import { type MemoryContext, type MemoryContextOptions, resolveMemoryContext } from "./context.js";
import { checkNotBlank, checkTags, checkText, parseInput } from "./guards.js";
import { ScoreScratch, searchIndex } from "./memory-search.js";
import { createIndexSync, type IndexSync } from "./memory-sync.js";
import { readModifyWrite } from "./read-modify-write.js";
import { toMemory } from "./records.js";
import {
  MemoryCreateInput,
  MemoryDeleteInput,
  MemoryGetInput,
  MemorySearchInput,
  MemoryUpdateInput,
} from "./schemas/memory.js";
import { planSearch } from "./search-plan.js";

/** At most this many group ids on one memory. */
export const MAX_MEMORY_GROUPS = 64;

/** What a delete removed. */
export interface MemoryDeleteReceipt {
  id: string;
  memories: number;
}

/** Deep memory: lessons, decisions and failures that outlive a session (SPEC §3.4). */
export interface DeepMemoryStore {
  create(input: MemoryCreateInput): Promise<DeepMemory>;
  /** @throws MEMORY_NOT_FOUND */
  get(input: MemoryGetInput): Promise<DeepMemory>;
  /** Change the given fields; `ifVersion` guards against lost updates. */
  update(input: MemoryUpdateInput): Promise<DeepMemory>;
  delete(input: MemoryDeleteInput): Promise<MemoryDeleteReceipt>;
  /** Ranked hits, best first (README "Ranking"); sees every write that completed before the call, in any process. */
  search(input?: MemorySearchInput): Promise<MemoryHit[]>;
  /** The per-process index and its freshness protocol. */
  readonly index: IndexSync;
}

/** Options of {@link createDeepMemory}. */
export type DeepMemoryOptions = MemoryContextOptions;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function checkGroupIds(groupIds: readonly string[] | undefined): string[] {
  const out = [...new Set(groupIds ?? [])];
  checkCountLimit(out.length, MAX_MEMORY_GROUPS, "groupIds");
  out.forEach((g, i) => {
    // Any safe id: groups read from older stores may predate kebab-case names.
    if (!isSafeId(g)) {
      throw new NameInvalidError(
        `groupIds.${i}: invalid group id ${JSON.stringify(String(g).slice(0, 64))}`,
        {
          field: `groupIds.${i}`,
        },
      );
    }
  });
  return out;
}

/**
 * Deep memory over any backend.
 *
 * @example
 * const memories = createDeepMemory({ backend: createInMemoryBackend() });
 * const m = await memories.create({ content: "Pool Redis connections", kind: "lesson", tags: ["redis"] });
 * const [hit] = await memories.search({ query: "redis pooling" });
 */
export function createDeepMemory(options: DeepMemoryOptions): DeepMemoryStore {
  return createDeepMemoryIn(resolveMemoryContext(options));
}

/** {@link createDeepMemory} over an already resolved context. */
export function createDeepMemoryIn(ctx: MemoryContext): DeepMemoryStore {
  const { backend, namespace, limits, clock } = ctx;
  const scope = memoriesScope(namespace);
  const changes = memoryChangesScope(namespace);
  const nextUlid = monotonicFactory();
  const index = createIndexSync(ctx);
  const scratch = new ScoreScratch();

  const announce = async (id: string, op: MemoryChange["op"]) => {
    await backend.append(changes, [{ value: { id, op } satisfies MemoryChange }]);
  };
  const what = (id: string) => `Memory "${id}"`;

  return {
    index,

    async create(raw) {
      const input = parseInput(MemoryCreateInput, raw, "memory.create input");
      checkNotBlank(input.content, "content");
      checkText(input.content, limits.memoryContentBytes, "content");
      const tags = checkTags(input.tags, limits);
      const groupIds = checkGroupIds(input.groupIds);
      if (input.sessionId !== undefined) checkSessionId(input.sessionId, "off");
      const now = ctx.nowIso();
      for (;;) {
        const memory: Omit<DeepMemory, "version"> = {
          id: `mem_${nextUlid(clock.now())}`,
          content: input.content,
          kind: input.kind ?? "observation",
          tags,
          importance: input.importance ?? 0.5,
          ...(input.sessionId !== undefined ? { sessionId: input.sessionId } : {}),
          groupIds,
          pinned: input.pinned ?? false,
          createdAt: now,
          updatedAt: now,
        };
        try {
          const record = await backend.put(scope, memory.id, memory, { ifVersion: 0 });
          await announce(memory.id, "put");
          return toMemory(namespace, record);
        } catch (error) {
          // Another process drew the same ULID: draw again.
          if (!hasErrorCode(error, "VERSION_CONFLICT")) throw error;
        }
      }
    },

    async get(raw) {
      const { id } = parseInput(MemoryGetInput, raw, "memory.get input");
      const record = await backend.get(scope, id);
      if (!record) throw new MemoryNotFoundError(id);
      return toMemory(namespace, record);
    },

    async update(raw) {
      const input = parseInput(MemoryUpdateInput, raw, "memory.update input");
      if (input.content !== undefined) {
        checkNotBlank(input.content, "content");
        checkText(input.content, limits.memoryContentBytes, "content");
      }
      const tags = input.tags === undefined ? undefined : checkTags(input.tags, limits);
      const groupIds = input.groupIds === undefined ? undefined : checkGroupIds(input.groupIds);
      if (typeof input.sessionId === "string") checkSessionId(input.sessionId, "off");
      const { after, changed } = await readModifyWrite({
        backend,
        scope,
        key: input.id,
        ifVersion: input.ifVersion,
        what: what(input.id),
        notFound: () => new MemoryNotFoundError(input.id),
        decode: (record) => toMemory(namespace, record),
        change: (current) => {
          const next = {
            content: input.content ?? current.content,
            kind: input.kind ?? current.kind,
            tags: tags ?? current.tags,
            importance: input.importance ?? current.importance,
            groupIds: groupIds ?? current.groupIds,
            pinned: input.pinned ?? current.pinned,
            sessionId: input.sessionId === undefined ? current.sessionId : (input.sessionId ?? undefined),
          };
          const same =
            next.content === current.content &&
            next.kind === current.kind &&
            sameList(next.tags, current.tags) &&
            next.importance === current.importance &&
            sameList(next.groupIds, current.groupIds) &&
            next.pinned === current.pinned &&
            next.sessionId === current.sessionId;
          if (same) return null;
          const { sessionId, ...fields } = next;
          return {
            id: current.id,
            ...fields,
            ...(sessionId !== undefined ? { sessionId } : {}),
            createdAt: current.createdAt,
            updatedAt: ctx.nowIso(),
          };
        },
      });
      if (changed) await announce(input.id, "put");
      return after;
    },

    async delete(raw) {
      const { id, ifVersion } = parseInput(MemoryDeleteInput, raw, "memory.delete input");
      let deleted: boolean;
      try {
        deleted = await backend.delete(scope, id, ifVersion === undefined ? {} : { ifVersion });
      } catch (error) {
        if (!hasErrorCode(error, "VERSION_CONFLICT")) throw error;
        const current = Number((error.details as { currentVersion?: unknown }).currentVersion ?? 0);
        if (current === 0) throw new MemoryNotFoundError(id);
        throw new VersionConflictError(what(id), ifVersion ?? 0, current);
      }
      if (!deleted) throw new MemoryNotFoundError(id);
      await announce(id, "delete");
      return { id, memories: 1 };
    },

    async search(raw = {}) {
      const input = parseInput(MemorySearchInput, raw, "memory.search input");
      const plan = planSearch(input, limits);
      const fresh = await index.fresh();
      return searchIndex(fresh, plan, clock.now(), scratch);
    },
  };
}
