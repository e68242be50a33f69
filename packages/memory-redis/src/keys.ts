import { encodeSegment, type Scope, scopePrefix } from "@tta-dev/core";

/** The physical Redis keys of one scope; all share the scope's `{hash tag}`, hence one slot. */
export interface ScopeKeys {
  /** Prefix of record keys; the encoded record key follows. */
  recordBase: string;
  /** ZSET (score 0) of the encoded keys of the records, for ordered, cursor-paged listing. */
  index: string;
  /** LIST of log entries; seq n sits at index n - 1. */
  log: string;
  /** HASH idempotency key → seq of the log. */
  idempotency: string;
}

/**
 * Keys of a scope under `root`: `root:{ns[:partition]}:collection:` then `r:<key>`, `idx`, `log`, `idem`.
 *
 * @example
 * scopeKeys({ namespace: "acme", collection: "cache", partition: "s1" }, "tta").log
 * // "tta:{acme:s1}:cache:log"
 */
export function scopeKeys(scope: Scope, root: string): ScopeKeys {
  const p = scopePrefix(scope, root);
  return { recordBase: `${p}:r:`, index: `${p}:idx`, log: `${p}:log`, idempotency: `${p}:idem` };
}

/** The Redis key of one record. */
export function recordKey(keys: ScopeKeys, key: string): string {
  return keys.recordBase + encodeSegment(key);
}
