import { JsonValue } from "@tta-dev/core";
import { z } from "zod";
import { CursorInput, IfVersion, pageLimit } from "./common.js";
import { SessionIdInput } from "./session.js";

export const DEFAULT_CACHE_TTL_MS = 60 * 60 * 1000;
export const MIN_CACHE_TTL_MS = 1000;
export const MAX_CACHE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A cache key: 1-256 printable characters; `__proto__`, `constructor`, `prototype` are refused. */
export const CacheKeyInput = z
  .string()
  .min(1)
  .max(256)
  .refine((k) => !/[\u0000-\u001f\u007f]/.test(k), "must not contain control characters");

/** `cache.set`: TTL in milliseconds, 1 s … 30 d, default 1 h. */
export const CacheSetInput = z.strictObject({
  sessionId: SessionIdInput,
  key: CacheKeyInput,
  value: JsonValue,
  ttlMs: z
    .number()
    .int()
    .min(MIN_CACHE_TTL_MS, "must be at least 1000 ms (1 s)")
    .max(MAX_CACHE_TTL_MS, "must be at most 2592000000 ms (30 d)")
    .optional(),
  ifVersion: IfVersion.optional(),
});
export type CacheSetInput = z.input<typeof CacheSetInput>;

/** `cache.get`. */
export const CacheGetInput = z.strictObject({ sessionId: SessionIdInput, key: CacheKeyInput });
export type CacheGetInput = z.input<typeof CacheGetInput>;

export const DEFAULT_CACHE_PAGE = 100;
export const MAX_CACHE_PAGE = 1000;

/** `cache.list`: live entries in key order. */
export const CacheListInput = z.strictObject({
  sessionId: SessionIdInput,
  cursor: CursorInput.optional(),
  limit: pageLimit(MAX_CACHE_PAGE).optional(),
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
