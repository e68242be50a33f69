import {
  CacheKeyField,
  CacheDeleteInput as CoreCacheDeleteInput,
  CacheGetInput as CoreCacheGetInput,
  CacheListInput as CoreCacheListInput,
  CacheSetInput as CoreCacheSetInput,
  DEFAULT_CACHE_TTL_MS,
  MAX_CACHE_TTL_MS,
  MAX_LIST_LIMIT,
  MIN_CACHE_TTL_MS,
  SessionIdField,
} from "@tta-dev/core";
import { z } from "zod";

// The inputs are core's, the ones `@tta-dev/contract` declares its operations with.

export { DEFAULT_CACHE_TTL_MS, MAX_CACHE_TTL_MS, MIN_CACHE_TTL_MS };

/** A cache key: 1-256 printable characters; `__proto__`, `constructor`, `prototype` are refused. */
export const CacheKeyInput = CacheKeyField;

/** `cache.set`: TTL in milliseconds, 1 s … 30 d, default 1 h. */
export const CacheSetInput = CoreCacheSetInput;
export type CacheSetInput = z.input<typeof CacheSetInput>;

/** `cache.get`. */
export const CacheGetInput = CoreCacheGetInput;
export type CacheGetInput = z.input<typeof CacheGetInput>;

export const DEFAULT_CACHE_PAGE = 100;
export const MAX_CACHE_PAGE = MAX_LIST_LIMIT;

/** `cache.list`: live entries in key order. */
export const CacheListInput = CoreCacheListInput;
export type CacheListInput = z.input<typeof CacheListInput>;

/** `cache.delete`. */
export const CacheDeleteInput = CoreCacheDeleteInput;
export type CacheDeleteInput = z.input<typeof CacheDeleteInput>;

/** `cache.clear`: every entry of the session. */
export const CacheClearInput = z.strictObject({ sessionId: SessionIdField });
export type CacheClearInput = z.input<typeof CacheClearInput>;
