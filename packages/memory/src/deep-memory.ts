import {
  checkCountLimit,
  checkGroupId,
  checkSessionId,
  type DeepMemory,
  GroupNotFoundError,
  hasErrorCode,
  type MemoryChange,
  type MemoryHit,
  MemoryNotFoundError,
  memoriesScope,
  memoryChangesScope,
  ValidationError,
  VersionConflictError,
} from "@tta-dev/core";
import { monotonicFactory } from "ulid";
import type { z } from "zod";
import { type MemoryContext, type MemoryContextOptions, resolveMemoryContext } from "./context.js";
import { contentKey, dedupeMemoryId, findDuplicate } from "./dedupe.js";
import { checkNotBlank, checkTags, checkText, parseInput } from "./guards.js";
import { runSliced } from "./index-segment.js";
import { ScoreScratch, searchSteps } from "./memory-search.js";
import { createIndexSync, type IndexSync, PENDING_WINDOW_MS } from "./memory-sync.js";
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
import { requireSession } from "./session-lookup.js";
import type { TextAnalyzer } from "./text.js";

/** At most this many group ids on one memory. */
export const MAX_MEMORY_GROUPS = 64;

/** What a delete removed. */
export interface MemoryDeleteReceipt {
  id: string;
  memories: number;
}

/** Deep memory: lessons, decisions and failures that outlive a session (docs/domain.md#deep-memory). */
export interface DeepMemoryStore {
  /**
   * With `dedupe`, the live memory of the same kind whose text is the same (case, accents, spacing and
   * punctuation aside) is returned unchanged instead of a new one.
   *
   * @throws SESSION_NOT_FOUND, GROUP_NOT_FOUND when it links to a session or group that does not exist
   */
  create(input: MemoryCreateInput): Promise<DeepMemory>;
  /**
   * Create the memory under a given id unless it exists (then return the stored one): for writes that
   * must be idempotent on retry, such as the lessons of a completed session. Links are not checked.
   * With `dedupe`, a live memory of the same kind and text is returned instead (`created: false`).
   */
  ensure(id: string, input: MemoryCreateInput): Promise<{ memory: DeepMemory; created: boolean }>;
  /** @throws MEMORY_NOT_FOUND */
  get(input: MemoryGetInput): Promise<DeepMemory>;
  /** Change the given fields; `ifVersion` guards against lost updates. */
  update(input: MemoryUpdateInput): Promise<DeepMemory>;
  delete(input: MemoryDeleteInput): Promise<MemoryDeleteReceipt>;
  /** Ranked hits, best first (README "Ranking"); sees every write that completed before the call, in any process. */
  search(input?: MemorySearchInput): Promise<MemoryHit[]>;
  /** `search` as a page: the hits, and `nextCursor` when more follow (pass it as `cursor`). */
  searchPage(input?: MemorySearchInput): Promise<{ items: MemoryHit[]; nextCursor: string | null }>;
  /** The per-process index and its freshness protocol. */
  readonly index: IndexSync;
  /** The text analysis of search (stop words, stemming), for callers that build queries. */
  readonly analyzer: TextAnalyzer;
}

/** What deep memory needs to know of session groups (wired by the workflow to @tta-dev/groups). */
export interface GroupLinks {
  /** The ids among `groupIds` that name no group of the namespace. */
  missing(groupIds: readonly string[]): Promise<string[]>;
  /** How many groups list the session. */
  memberships(sessionId: string): Promise<number>;
}

/** Options of {@link createDeepMemory}. */
export interface DeepMemoryOptions extends MemoryContextOptions {
  /** Checks that linked groups exist; without it group ids are taken as given. */
  groups?: GroupLinks;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function checkGroupIds(groupIds: readonly string[] | undefined): string[] {
  const out = [...new Set(groupIds ?? [])];
  checkCountLimit(out.length, MAX_MEMORY_GROUPS, "groupIds");
  out.forEach((g, i) => {
    // Any safe id: groups read from older stores may predate kebab-case names.
    checkGroupId(g, { legacy: true, field: `groupIds.${i}` });
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
  return createDeepMemoryIn(resolveMemoryContext(options), options.groups);
}

/** {@link createDeepMemory} over an already resolved context. */
/** Hits a search pages through at most: a cursor is the count of hits before its page. */
export const MAX_SEARCH_OFFSET = 10_000;

function searchOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const n = /^\d{1,5}$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (!(n >= 0 && n <= MAX_SEARCH_OFFSET)) {
    throw new ValidationError("cursor: not a cursor returned by memory.search", {
      issues: [{ path: "cursor", message: "invalid cursor" }],
    });
  }
  return n;
}

export function createDeepMemoryIn(ctx: MemoryContext, groups?: GroupLinks): DeepMemoryStore {
  const { backend, namespace, limits, clock } = ctx;
  const scope = memoriesScope(namespace);
  const changes = memoryChangesScope(namespace);
  const nextUlid = monotonicFactory();
  const index = createIndexSync(ctx);
  const scratch = new ScoreScratch();

  // Every write is announced first (see memory-sync.ts): a reader then cannot miss it, whichever of
  // the two writes fails, and a write that fails after its announcement is simply never seen.
  const announce = async (id: string, op: MemoryChange["op"], base: number): Promise<number> => {
    const at = clock.now();
    await backend.append(changes, [{ value: { id, op, base, at } satisfies MemoryChange }]);
    return at;
  };
  const announceDoneIfSlow = async (id: string, op: MemoryChange["op"], at: number) => {
    const now = clock.now();
    if (now - at < PENDING_WINDOW_MS / 2) return;
    await backend.append(changes, [{ value: { id, op, at: now } satisfies MemoryChange }]);
  };
  const what = (id: string) => `Memory "${id}"`;

  /** SESSION_NOT_FOUND / GROUP_NOT_FOUND for links to what does not exist. */
  async function checkLinks(sessionId: string | null | undefined, groupIds: readonly string[] | undefined) {
    if (typeof sessionId === "string") {
      checkSessionId(sessionId, "off");
      await requireSession(ctx, sessionId);
    }
    if (groups && groupIds?.length) {
      const [missing] = await groups.missing(groupIds);
      if (missing !== undefined) throw new GroupNotFoundError(missing, namespace);
    }
  }

  function newMemory(
    id: string,
    input: z.output<typeof MemoryCreateInput>,
    tags: string[],
    groupIds: string[],
  ) {
    const now = ctx.nowIso();
    return {
      id,
      content: input.content,
      kind: input.kind ?? "observation",
      tags,
      importance: input.importance ?? 0.5,
      ...(input.sessionId !== undefined ? { sessionId: input.sessionId } : {}),
      groupIds,
      pinned: input.pinned ?? false,
      ...(input.expiresAt !== undefined ? { expiresAt: new Date(input.expiresAt).toISOString() } : {}),
      createdAt: now,
      updatedAt: now,
    } satisfies Omit<DeepMemory, "version">;
  }

  function checkCreate(raw: MemoryCreateInput) {
    const input = parseInput(MemoryCreateInput, raw, "memory.create input");
    checkNotBlank(input.content, "content");
    checkText(input.content, limits.memoryContentBytes, "content");
    const tags = checkTags(input.tags, limits);
    const groupIds = checkGroupIds(input.groupIds);
    if (input.sessionId !== undefined) checkSessionId(input.sessionId, "off");
    return { input, tags, groupIds };
  }

  /** The live memory of that kind with the same text (see dedupe.ts), as every process has written it. */
  function duplicateOf(content: string, kind: DeepMemory["kind"]): Promise<DeepMemory | null> {
    return index.read((fresh) => findDuplicate(fresh, content, kind, ctx.analyzer, clock.now()));
  }

  /** Store a checked memory under `id` unless a memory has that id (then return the stored one). */
  async function storeOnce(
    id: string,
    input: z.output<typeof MemoryCreateInput>,
    tags: string[],
    groupIds: string[],
  ): Promise<{ memory: DeepMemory; created: boolean }> {
    const existing = await backend.get(scope, id);
    if (existing) return { memory: toMemory(namespace, existing), created: false };
    const at = await announce(id, "put", 0);
    try {
      const record = await backend.put(scope, id, newMemory(id, input, tags, groupIds), { ifVersion: 0 });
      await announceDoneIfSlow(id, "put", at);
      return { memory: toMemory(namespace, record), created: true };
    } catch (error) {
      if (!hasErrorCode(error, "VERSION_CONFLICT")) throw error;
      const raced = await backend.get(scope, id);
      if (!raced) throw error;
      return { memory: toMemory(namespace, raced), created: false };
    }
  }

  async function searchPage(
    raw: MemorySearchInput = {},
  ): Promise<{ items: MemoryHit[]; nextCursor: string | null }> {
    const input = parseInput(MemorySearchInput, raw, "memory.search input");
    const offset = searchOffset(input.cursor);
    const plan = planSearch(input, limits, ctx.analyzer);
    if (plan.onlyStopWords) {
      ctx.logger?.warn(
        `memory search: every word of the query is a stop word (${ctx.analyzer.language}); no memory matches its text`,
        { query: input.query },
      );
      return { items: [], nextCursor: null };
    }
    const size = plan.limit;
    // The top hits up to this page's end and one more: the order of the first ones is the same
    // whatever the number kept, so pages follow each other without a gap or a repeat.
    const wide = { ...plan, limit: offset + size + 1 };
    // Scoring a word in most of a large store takes tens of milliseconds: it gives the loop turns.
    const hits = await index.read((fresh) => runSliced(searchSteps(fresh, wide, clock.now(), scratch)));
    const more = hits.length > offset + size;
    return { items: hits.slice(offset, offset + size), nextCursor: more ? String(offset + size) : null };
  }

  return {
    index,
    analyzer: ctx.analyzer,

    async create(raw) {
      const { input, tags, groupIds } = checkCreate(raw);
      await checkLinks(input.sessionId, groupIds);
      if (input.dedupe) {
        const kind = input.kind ?? "observation";
        const found = await duplicateOf(input.content, kind);
        if (found) return found;
        // Processes storing the same text at once race for one id: one memory is stored.
        const key = contentKey(input.content);
        const { memory } = await storeOnce(dedupeMemoryId(kind, key, clock.now()), input, tags, groupIds);
        const expired = memory.expiresAt !== undefined && Date.parse(memory.expiresAt) <= clock.now();
        if (memory.kind === kind && contentKey(memory.content) === key && !expired) return memory;
        // The memory under that id was changed since, or has expired: this one gets an id of its own.
      }
      for (;;) {
        const memory = newMemory(`mem_${nextUlid(clock.now())}`, input, tags, groupIds);
        const at = await announce(memory.id, "put", 0);
        try {
          const record = await backend.put(scope, memory.id, memory, { ifVersion: 0 });
          await announceDoneIfSlow(memory.id, "put", at);
          return toMemory(namespace, record);
        } catch (error) {
          // Another process drew the same ULID: draw again.
          if (!hasErrorCode(error, "VERSION_CONFLICT")) throw error;
        }
      }
    },

    async ensure(id, raw) {
      const { input, tags, groupIds } = checkCreate(raw);
      if (input.dedupe) {
        const found = await duplicateOf(input.content, input.kind ?? "observation");
        if (found) return { memory: found, created: false };
      }
      return storeOnce(id, input, tags, groupIds);
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
      await checkLinks(input.sessionId, groupIds);
      let announcedAt: number | undefined;
      const { after, changed } = await readModifyWrite({
        backend,
        scope,
        key: input.id,
        ifVersion: input.ifVersion,
        what: what(input.id),
        notFound: () => new MemoryNotFoundError(input.id),
        decode: (record) => toMemory(namespace, record),
        beforeWrite: async (record) => {
          announcedAt = await announce(input.id, "put", record.version);
        },
        change: (current) => {
          const next = {
            content: input.content ?? current.content,
            kind: input.kind ?? current.kind,
            tags: tags ?? current.tags,
            importance: input.importance ?? current.importance,
            groupIds: groupIds ?? current.groupIds,
            pinned: input.pinned ?? current.pinned,
            sessionId: input.sessionId === undefined ? current.sessionId : (input.sessionId ?? undefined),
            expiresAt:
              input.expiresAt === undefined
                ? current.expiresAt
                : input.expiresAt === null
                  ? undefined
                  : new Date(input.expiresAt).toISOString(),
          };
          const same =
            next.content === current.content &&
            next.kind === current.kind &&
            sameList(next.tags, current.tags) &&
            next.importance === current.importance &&
            sameList(next.groupIds, current.groupIds) &&
            next.pinned === current.pinned &&
            next.sessionId === current.sessionId &&
            next.expiresAt === current.expiresAt;
          if (same) return null;
          const { sessionId, expiresAt, ...fields } = next;
          return {
            id: current.id,
            ...fields,
            ...(sessionId !== undefined ? { sessionId } : {}),
            ...(expiresAt !== undefined ? { expiresAt } : {}),
            createdAt: current.createdAt,
            updatedAt: ctx.nowIso(),
          };
        },
      });
      if (changed && announcedAt !== undefined) await announceDoneIfSlow(input.id, "put", announcedAt);
      return after;
    },

    async delete(raw) {
      const { id, ifVersion } = parseInput(MemoryDeleteInput, raw, "memory.delete input");
      const current = await backend.get(scope, id);
      if (!current) throw new MemoryNotFoundError(id);
      if (ifVersion !== undefined && ifVersion !== current.version) {
        throw new VersionConflictError(what(id), ifVersion, current.version);
      }
      const at = await announce(id, "delete", current.version);
      let deleted: boolean;
      try {
        deleted = await backend.delete(scope, id, ifVersion === undefined ? {} : { ifVersion });
      } catch (error) {
        if (!hasErrorCode(error, "VERSION_CONFLICT")) throw error;
        const now = Number((error.details as { currentVersion?: unknown }).currentVersion ?? 0);
        if (now === 0) throw new MemoryNotFoundError(id);
        throw new VersionConflictError(what(id), ifVersion ?? 0, now);
      }
      if (!deleted) throw new MemoryNotFoundError(id);
      await announceDoneIfSlow(id, "delete", at);
      return { id, memories: 1 };
    },

    async search(raw = {}) {
      return (await searchPage(raw)).items;
    },

    searchPage,
  };
}
