import {
  CacheKeyField,
  DEFAULT_CACHE_TTL_MS,
  JsonInputValue,
  MAX_CACHE_TTL_MS,
  MAX_LIST_LIMIT,
  MIN_CACHE_TTL_MS,
  PageLimitField,
  TtlMsField,
} from "@tta-dev/core";
import { z } from "zod";
import { CursorInput, IfVersion } from "./common.js";
import { SessionIdInput } from "./session.js";

export { DEFAULT_CACHE_TTL_MS, MAX_CACHE_TTL_MS, MIN_CACHE_TTL_MS };

/** A cache key: 1-256 printable characters; `__proto__`, `constructor`, `prototype` are refused. */
export const CacheKeyInput = CacheKeyField;

/** `cache.set`: TTL in milliseconds, 1 s … 30 d, default 1 h. */
export const CacheSetInput = z.strictObject({
  sessionId: SessionIdInput,
  key: CacheKeyInput,
  value: JsonInputValue,
  ttlMs: TtlMsField.optional(),
  ifVersion: IfVersion.optional(),
});
export type CacheSetInput = z.input<typeof CacheSetInput>;

/** `cache.get`. */
export const CacheGetInput = z.strictObject({ sessionId: SessionIdInput, key: CacheKeyInput });
export type CacheGetInput = z.input<typeof CacheGetInput>;

export const DEFAULT_CACHE_PAGE = 100;
export const MAX_CACHE_PAGE = MAX_LIST_LIMIT;

/** `cache.list`: live entries in key order. */
export const CacheListInput = z.strictObject({
  sessionId: SessionIdInput,
  cursor: CursorInput.optional(),
  limit: PageLimitField.optional(),
});
export type CacheListInput = z.input<typeof CacheListInput>;

/** `cache.delete`. */
export const CacheDeleteInput = z.strictObject({
  sessionId: SessionIdInput,
  key: CacheKeyInput,
  ifVersion: IfVersion.optional(),
});
export type CacheDeleteInput = z.input<typeof CacheDeleteInput>;

/** `cache.clear`: every entry of the session. */
export const CacheClearInput = z.strictObject({ sessionId: SessionIdInput });
export type CacheClearInput = z.input<typeof CacheClearInput>;
