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
