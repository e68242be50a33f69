import {
  type CacheEntry,
  cacheScope,
  checkByteLimit,
  hasErrorCode,
  type RecordPage,
  type StoredCacheValue,
  type StoredRecord,
  sessionsScope,
  VersionConflictError,
} from "@tta-dev/core";
import { z } from "zod";
import { type MemoryContext, type MemoryContextOptions, resolveMemoryContext } from "./context.js";
import { parseInput, safeStringify } from "./guards.js";
import { toCacheEntry } from "./records.js";
import {
  CacheClearInput,
  CacheDeleteInput,
  CacheGetInput,
  CacheListInput,
  CacheSetInput,
  DEFAULT_CACHE_PAGE,
  DEFAULT_CACHE_TTL_MS,
} from "./schemas/cache.js";
import type { Page } from "./schemas/common.js";
import { checkLookupId, requireActiveSession, requireSession, sessionOf } from "./session-lookup.js";

/**
 * `CacheSetInput` as parsed here: the value's JSON-ness, depth and keys are already checked by one
 * non-recursive walk (`parseInput`), which is far cheaper than zod's recursive `JsonValue` on 1 MiB.
 */
const CacheSetParsed = CacheSetInput.extend({
  value: z.unknown().refine((v) => v !== undefined, "required"),
});

/** What a cache delete or clear removed. */
export interface CacheDeleteReceipt {
  sessionId: string;
  cache: number;
}

/** A session's short-lived cache (docs/domain.md#cache). An expired entry is never returned. */
export interface CacheStore {
  set(input: CacheSetInput): Promise<CacheEntry>;
  /** The live entry, or `null`. */
  get(input: CacheGetInput): Promise<CacheEntry | null>;
  list(input: CacheListInput): Promise<Page<CacheEntry>>;
  delete(input: CacheDeleteInput): Promise<CacheDeleteReceipt>;
  clear(input: CacheClearInput): Promise<CacheDeleteReceipt>;
}

/** Options of {@link createCacheStore}. */
export type CacheStoreOptions = MemoryContextOptions;

/**
 * A session cache over any backend: value and expiry are written in one `put`.
 *
 * @example
 * const cache = createCacheStore({ backend });
 * await cache.set({ sessionId: "auth-refactor-2026-11-25", key: "plan", value: { step: 2 }, ttlMs: 600_000 });
 */
export function createCacheStore(options: CacheStoreOptions): CacheStore {
  return createCacheStoreIn(resolveMemoryContext(options));
}

/** {@link createCacheStore} over a resolved context. */
export function createCacheStoreIn(ctx: MemoryContext): CacheStore {
  const { backend, namespace, limits, clock } = ctx;
  const live = (sessionId: string, record: StoredRecord | null): CacheEntry | null =>
    record && (record.expiresAt === null || record.expiresAt > clock.now())
      ? toCacheEntry(namespace, sessionId, record)
      : null;
  const withSession = async <T>(
    sessionId: string,
    read: Parameters<MemoryContext["backend"]["batch"]>[0][number],
  ) => {
    const [session, result] = await backend.batch([
      { op: "get", scope: sessionsScope(namespace), key: sessionId },
      read,
    ]);
    sessionOf(ctx, sessionId, session as StoredRecord | null);
    return result as T;
  };

  return {
    async set(raw) {
      if (typeof raw === "object" && raw !== null && "value" in raw) {
        // Size first: a huge value fails LIMIT_EXCEEDED before any deeper work.
        checkByteLimit(
          safeStringify((raw as { value: unknown }).value, "value"),
          limits.cacheValueBytes,
          "value",
        );
      }
      const input = parseInput(CacheSetParsed, raw, "cache.set input");
      const sessionId = checkLookupId(input.sessionId);
      await requireActiveSession(ctx, sessionId);
      const stored: StoredCacheValue = { value: input.value, createdAt: ctx.nowIso() };
      const ttlMs = input.ttlMs ?? DEFAULT_CACHE_TTL_MS;
      try {
        const record = await backend.put(cacheScope(namespace, sessionId), input.key, stored, {
          ttlMs,
          ...(input.ifVersion !== undefined ? { ifVersion: input.ifVersion } : {}),
        });
        return toCacheEntry(namespace, sessionId, record);
      } catch (error) {
        if (!hasErrorCode(error, "VERSION_CONFLICT")) throw error;
        const current = Number((error.details as { currentVersion?: unknown }).currentVersion ?? 0);
        throw new VersionConflictError(`Cache entry "${input.key}"`, input.ifVersion ?? 0, current);
      }
    },

    async get(raw) {
      const input = parseInput(CacheGetInput, raw, "cache.get input");
      const sessionId = checkLookupId(input.sessionId);
      const record = await withSession<StoredRecord | null>(sessionId, {
        op: "get",
        scope: cacheScope(namespace, sessionId),
        key: input.key,
      });
      return live(sessionId, record);
    },

    async list(raw) {
      const input = parseInput(CacheListInput, raw, "cache.list input");
      const sessionId = checkLookupId(input.sessionId);
      const page = await withSession<RecordPage>(sessionId, {
        op: "list",
        scope: cacheScope(namespace, sessionId),
        options: {
          limit: input.limit ?? DEFAULT_CACHE_PAGE,
          ...(input.cursor ? { cursor: input.cursor } : {}),
        },
      });
      const items = page.items.map((r) => live(sessionId, r)).filter((e): e is CacheEntry => e !== null);
      return { items, nextCursor: page.nextCursor };
    },

    async delete(raw) {
      const input = parseInput(CacheDeleteInput, raw, "cache.delete input");
      const sessionId = checkLookupId(input.sessionId);
      await requireSession(ctx, sessionId);
      try {
        const deleted = await backend.delete(
          cacheScope(namespace, sessionId),
          input.key,
          input.ifVersion !== undefined ? { ifVersion: input.ifVersion } : {},
        );
        return { sessionId, cache: deleted ? 1 : 0 };
      } catch (error) {
        if (!hasErrorCode(error, "VERSION_CONFLICT")) throw error;
        const current = Number((error.details as { currentVersion?: unknown }).currentVersion ?? 0);
        throw new VersionConflictError(`Cache entry "${input.key}"`, input.ifVersion ?? 0, current);
      }
    },

    async clear(raw) {
      const input = parseInput(CacheClearInput, raw, "cache.clear input");
      const sessionId = checkLookupId(input.sessionId);
      await requireSession(ctx, sessionId);
      return { sessionId, cache: await backend.clear(cacheScope(namespace, sessionId)) };
    },
  };
}
