import { encodeSegment, type Scope, scopePrefix, validateScope } from "@tta-dev/core";

/** The physical Redis keys of one scope; all share the scope's `{hash tag}`, hence one slot. */
export interface ScopeKeys {
  /** Prefix of record keys; the encoded record key follows. */
  recordBase: string;
  /** ZSET (score 0) of the encoded keys of the records, for ordered, cursor-paged listing. */
  index: string;
  /** LIST of log entries; seq n sits at index n - 1 - (the `trimmed` count). */
  log: string;
  /** STRING: how many entries `trimLog` removed from the log's front (absent: 0). */
  trimmed: string;
  /** HASH idempotency key → seq of the log. */
  idempotency: string;
}

const CACHE_LIMIT = 10_000;
const cache = new Map<string, ScopeKeys>();

/**
 * Validate a scope and return its keys under `root`: `root:{ns[:partition]}:collection:` then
 * `r:<key>`, `idx`, `log`, `trim`, `idem`. Results are memoised (bounded), so the hot path neither
 * re-validates nor re-encodes a scope it has seen.
 *
 * @example
 * scopeKeys({ namespace: "acme", collection: "cache", partition: "s1" }, "tta").log
 * // "tta:{acme:s1}:cache:log"
 */
export function scopeKeys(scope: Scope, root: string): ScopeKeys {
  // JSON keeps the parts apart whatever they contain; an invalid scope is never a hit.
  const id = JSON.stringify([root, scope?.namespace, scope?.collection, scope?.partition ?? null]);
  const hit = cache.get(id);
  if (hit) return hit;
  validateScope(scope);
  const p = scopePrefix(scope, root);
  const keys = {
    recordBase: `${p}:r:`,
    index: `${p}:idx`,
    log: `${p}:log`,
    trimmed: `${p}:trim`,
    idempotency: `${p}:idem`,
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(id, keys);
  return keys;
}

/** The Redis key of one record. */
export function recordKey(keys: ScopeKeys, key: string): string {
  return keys.recordBase + encodeSegment(key);
}

/**
 * The key of a namespace's derived data (a persisted search index): in the namespace's slot, but
 * outside the `root:{ns}…` pattern of its records and logs, so it is not part of what the namespace
 * holds (`rawKeys`).
 */
export function derivedKey(root: string, namespace: string, name: string): string {
  return `${root}:derived:{${encodeSegment(namespace)}}:${name}`;
}
