import { LimitExceededError, ValidationError } from "./errors.js";
import { assertPlainJson } from "./json-check.js";

/** Size and count limits; exceeding one fails `LIMIT_EXCEEDED` before anything is written. */
export interface Limits {
  messageContentBytes: number;
  memoryContentBytes: number;
  cacheValueBytes: number;
  metadataBytes: number;
  metadataKeys: number;
  tagsPerItem: number;
  batchAppend: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  messageContentBytes: 1024 * 1024,
  memoryContentBytes: 64 * 1024,
  cacheValueBytes: 1024 * 1024,
  metadataBytes: 16 * 1024,
  metadataKeys: 64,
  tagsPerItem: 32,
  batchAppend: 1000,
});

/**
 * Hard caps on input fields, the same at every entry (an operation parsed by `@tta-dev/contract` and a
 * direct call of `@tta-dev/memory` or `@tta-dev/groups` use the one schema of each field, in
 * `schemas/fields.ts`). They stop hostile input early whatever the configured {@link Limits}, and
 * fail `VALIDATION_FAILED`; the configurable limits fail `LIMIT_EXCEEDED`. Strings are counted in
 * characters (UTF-16 code units), lists in items.
 */
export const INPUT_CAPS = Object.freeze({
  /** A session title. */
  title: 1000,
  /** A group description (its UTF-8 size is also held to `descriptionBytes` of the group limits). */
  description: 65_536,
  /** A group summary (its UTF-8 size is also held to `summaryBytes` of the group limits). */
  summary: 65_536,
  /** One tag as given, before it is trimmed and lower-cased. */
  tag: 64,
  /** Tags in one list as given (the stored item keeps at most `tagsPerItem`). */
  tagsPerList: 1000,
  /** Group ids a memory is linked to. */
  groupIdsPerList: 1000,
  /** Lessons of one `session.complete`, each a text or `{ content, tags?, importance? }`. */
  lessons: 100,
  /** A cache key. */
  cacheKey: 256,
  /** An opaque page cursor. */
  cursor: 2048,
  /** A deep-memory search query (the workflow cuts the query it builds to this length). */
  query: 4096,
  /** Hits of one deep-memory search. */
  searchLimit: 100,
  /** A session-list `component` filter. */
  component: 128,
  /** Messages of one batch as given (the configurable `batchAppend` limit is the one that counts). */
  batchMessages: 100_000,
  /** A message's idempotency key. */
  idempotencyKey: 256,
  /** A `context.load` workflow id. */
  workflowId: 256,
  /** Latest messages per member session in a group context. */
  groupContextMessages: 1000,
});

/** Cache time to live in milliseconds: the default (1 h) and the allowed range (1 s … 30 d). */
export const DEFAULT_CACHE_TTL_MS = 60 * 60 * 1000;
export const MIN_CACHE_TTL_MS = 1000;
export const MAX_CACHE_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** UTF-8 length of a string without allocating it. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/** @throws LimitExceededError when `text` is over `max` UTF-8 bytes. */
export function checkByteLimit(text: string, max: number, field: string): void {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: short enough text needs no count.
  if (text.length * 3 <= max) return;
  const size = utf8Length(text);
  if (size > max) {
    throw new LimitExceededError(`${field} is ${size} bytes; the limit is ${max} bytes.`, {
      field,
      size,
      limit: max,
    });
  }
}

/** @throws LimitExceededError when there are more than `max` items. */
export function checkCountLimit(count: number, max: number, field: string): void {
  if (count > max) {
    throw new LimitExceededError(`${field} has ${count} items; the limit is ${max}.`, {
      field,
      count,
      limit: max,
    });
  }
}

/**
 * Refuse prototype-reaching keys and non-plain objects anywhere in a JSON value, at any depth and
 * without recursion.
 *
 * @throws ValidationError naming the path of the first problem
 */
export function assertNoForbiddenKeys(value: unknown, path: string): void {
  assertPlainJson(value, path, { maxDepth: Number.POSITIVE_INFINITY });
}

/**
 * Check metadata: plain object, no forbidden keys at any depth, at most `metadataKeys` keys and
 * `metadataBytes` bytes of JSON.
 */
export function checkMetadata(meta: Record<string, unknown>, limits: Limits, field = "metadata"): void {
  assertNoForbiddenKeys(meta, field);
  checkCountLimit(Object.keys(meta).length, limits.metadataKeys, `${field} keys`);
  checkByteLimit(JSON.stringify(meta), limits.metadataBytes, field);
}

/** Merge configured overrides over the defaults, refusing non-positive numbers. */
export function resolveLimits(overrides: Partial<Limits> = {}): Limits {
  const out: Limits = { ...DEFAULT_LIMITS };
  for (const [k, v] of Object.entries(overrides)) {
    if (!(k in DEFAULT_LIMITS))
      throw new ValidationError(`limits.${k}: unknown limit`, {
        issues: [{ path: `limits.${k}`, message: "unknown limit" }],
      });
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
      throw new ValidationError(`limits.${k}: must be a positive integer`, {
        issues: [{ path: `limits.${k}`, message: "must be a positive integer" }],
      });
    }
    out[k as keyof Limits] = v;
  }
  return out;
}
