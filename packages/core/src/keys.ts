import { ValidationError } from "./errors.js";
import type { ListOptions, ReadLogOptions, Scope } from "./port.js";

export const MAX_KEY_LENGTH = 512;
export const MAX_SCOPE_PART_LENGTH = 256;
export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;
export const DEFAULT_LOG_LIMIT = 1000;
export const MAX_LOG_LIMIT = 10_000;

const COLLECTION = /^[a-z][a-z0-9-]{0,31}$/;
const SAFE_SEGMENT = /^[A-Za-z0-9_-]*$/;

/**
 * Escape one key segment so it is safe in a file name and a Redis key and can never contain a
 * separator: everything but `[A-Za-z0-9_-]` becomes `%XX` (UTF-8 bytes, upper-case hex). `.` is
 * escaped too, so `.` and `..` never reach a path.
 *
 * @example
 * encodeSegment("acme:corp") // "acme%3Acorp"
 */
export function encodeSegment(segment: string): string {
  if (SAFE_SEGMENT.test(segment)) return segment;
  try {
    return encodeURIComponent(segment).replace(
      /[.!~*'()]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  } catch {
    // A lone surrogate: encode what UTF-8 would carry (the replacement character).
    let out = "";
    for (const ch of segment) {
      if (/^[A-Za-z0-9_-]$/.test(ch)) out += ch;
      else {
        for (const byte of new TextEncoder().encode(ch))
          out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      }
    }
    return out;
  }
}

/** Inverse of {@link encodeSegment}. */
export function decodeSegment(encoded: string): string {
  return decodeURIComponent(encoded);
}

/** Total order of record keys shared by every backend: by their encoded form, as ASCII. */
export function compareKeys(a: string, b: string): number {
  const ea = encodeSegment(a);
  const eb = encodeSegment(b);
  return ea < eb ? -1 : ea > eb ? 1 : 0;
}

/** True when a string has no lone surrogate (it survives UTF-8 encoding unchanged). */
export function isWellFormed(s: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

function fail(path: string, message: string): never {
  throw new ValidationError(`${path}: ${message}`, { issues: [{ path, message }] });
}

function checkPart(value: unknown, path: string): asserts value is string {
  if (typeof value !== "string" || value.length === 0) fail(path, "must be a non-empty string");
  if (value.length > MAX_SCOPE_PART_LENGTH) fail(path, `must be at most ${MAX_SCOPE_PART_LENGTH} characters`);
  if (!isWellFormed(value)) fail(path, "must be well-formed unicode");
}

/** @throws ValidationError when a scope part is empty, too long or the collection name is not `[a-z][a-z0-9-]{0,31}`. */
export function validateScope(scope: Scope): void {
  checkPart(scope.namespace, "scope.namespace");
  if (typeof scope.collection !== "string" || !COLLECTION.test(scope.collection)) {
    fail("scope.collection", "must match [a-z][a-z0-9-]{0,31}");
  }
  if (scope.partition !== undefined) checkPart(scope.partition, "scope.partition");
}

/** @throws ValidationError when a record key is empty, too long or not well-formed unicode. */
export function validateKey(key: unknown, path = "key"): asserts key is string {
  if (typeof key !== "string" || key.length === 0) fail(path, "must be a non-empty string");
  if (key.length > MAX_KEY_LENGTH) fail(path, `must be at most ${MAX_KEY_LENGTH} characters`);
  if (!isWellFormed(key as string)) fail(path, "must be well-formed unicode");
}

/**
 * The key prefix of a scope, with a Redis Cluster hash tag around namespace and partition so that
 * everything of one partition lands in one slot: `tta:{<ns>[:<partition>]}:<collection>`.
 * Segments are escaped, so namespace `acme` can never read `acme-corp` or `acme:x`.
 */
export function scopePrefix(scope: Scope, root = "tta"): string {
  const tag =
    scope.partition === undefined
      ? encodeSegment(scope.namespace)
      : `${encodeSegment(scope.namespace)}:${encodeSegment(scope.partition)}`;
  return `${root}:{${tag}}:${scope.collection}`;
}

/**
 * One key builder for every backend: `scopePrefix(scope)` then each escaped part, `:`-joined.
 *
 * @example
 * keyFor({ namespace: "acme", collection: "sessions" }, "r", "api-debug-2025-10-28")
 * // "tta:{acme}:sessions:r:api-debug-2025-10-28"
 */
export function keyFor(scope: Scope, ...parts: string[]): string {
  return [scopePrefix(scope), ...parts.map(encodeSegment)].join(":");
}

/** Clamp and check list options; returns the effective limit. */
export function normalizeListOptions(options: ListOptions = {}): {
  prefix: string;
  cursor: string | null;
  limit: number;
} {
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT)
    fail("limit", `must be an integer from 1 to ${MAX_LIST_LIMIT}`);
  if (options.prefix !== undefined && typeof options.prefix !== "string") fail("prefix", "must be a string");
  if (options.cursor !== undefined && options.cursor !== null && typeof options.cursor !== "string")
    fail("cursor", "must be a string");
  return { prefix: options.prefix ?? "", cursor: options.cursor ?? null, limit };
}

/** Clamp and check log read options. */
export function normalizeReadLogOptions(options: ReadLogOptions = {}): Required<ReadLogOptions> {
  const limit = options.limit ?? DEFAULT_LOG_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LOG_LIMIT)
    fail("limit", `must be an integer from 1 to ${MAX_LOG_LIMIT}`);
  const afterSeq = options.afterSeq ?? 0;
  const beforeSeq = options.beforeSeq ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isInteger(afterSeq) || afterSeq < 0) fail("afterSeq", "must be a non-negative integer");
  if (!Number.isInteger(beforeSeq) || beforeSeq < 1) fail("beforeSeq", "must be a positive integer");
  return { limit, afterSeq, beforeSeq, fromEnd: options.fromEnd ?? false };
}

/**
 * Check the `beforeSeq` of `trimLog`: an integer ≥ 1.
 *
 * @throws VALIDATION_FAILED (`beforeSeq: must be a positive integer`) otherwise.
 * @example
 * const before = validateTrimSeq(beforeSeq); // then trim the entries with seq < before
 */
export function validateTrimSeq(beforeSeq: unknown): number {
  if (typeof beforeSeq !== "number" || !Number.isSafeInteger(beforeSeq) || beforeSeq < 1)
    fail("beforeSeq", "must be a positive integer");
  return beforeSeq;
}

/** @throws ValidationError when a TTL is not a positive integer of milliseconds. */
export function validateTtl(ttlMs: unknown): void {
  if (ttlMs === undefined) return;
  if (typeof ttlMs !== "number" || !Number.isInteger(ttlMs) || ttlMs < 1)
    fail("ttlMs", "must be a positive integer of milliseconds");
}

/** @throws ValidationError when `ifVersion` is not a non-negative integer. */
export function validateIfVersion(ifVersion: unknown): void {
  if (ifVersion === undefined) return;
  if (typeof ifVersion !== "number" || !Number.isInteger(ifVersion) || ifVersion < 0)
    fail("ifVersion", "must be a non-negative integer");
}

/**
 * Serialise a value for storage. Refuses what JSON cannot carry faithfully (undefined, functions,
 * non-finite numbers turn into null silently in JSON, so they are refused).
 */
export function serializeValue(value: unknown): string {
  // Plain data (the common case) goes through JSON.stringify's fast path, without a replacer.
  if (isPlainData(value, 0)) return JSON.stringify(value);
  const text = JSON.stringify(value, (_k, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) fail("value", "numbers must be finite");
    if (typeof v === "bigint" || typeof v === "function" || typeof v === "symbol")
      fail("value", `a ${typeof v} is not JSON`);
    return v;
  });
  if (text === undefined) fail("value", "must be a JSON value");
  return text;
}

/** Depth to which {@link isPlainData} looks before leaving the value to the checking replacer. */
const PLAIN_DEPTH = 32;

/**
 * True when JSON.stringify gives exactly `value`: strings, finite numbers, booleans, null, arrays and
 * objects of plain prototype without `toJSON` (anything else — a Date, a hole, undefined — takes the
 * checking path, which keeps its meaning or refuses it).
 */
function isPlainData(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object": {
      if (value === null) return true;
      if (depth >= PLAIN_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlainData(value[i], depth + 1)) return false;
        }
        return true;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      if ("toJSON" in value) return false;
      for (const key in value) {
        if (!isPlainData((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
