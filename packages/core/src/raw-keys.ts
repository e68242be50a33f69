import { encodeSegment } from "./keys.js";

/**
 * A backend that can say what it physically holds: the listing the conformance suite uses to check
 * that deletes leave nothing behind. Every backend package's backend type has it, with this one
 * signature.
 */
export interface RawKeyListing {
  /**
   * Every physical key (or file) the store holds for `namespace`, live or expired, sorted. It walks
   * the whole namespace: for tests and diagnostics, never a hot path.
   */
  rawKeys(namespace: string): Promise<string[]>;
}

/**
 * Whether a key built by `keyFor`/`scopePrefix` under `root` belongs to `namespace` (with or
 * without a partition), never to a namespace that merely starts with the same letters.
 *
 * @example
 * isKeyOfNamespace("tta:{acme:s1}:messages:log", "acme"); // true
 * isKeyOfNamespace("tta:{acme-corp}:notes:r:a", "acme"); // false
 */
export function isKeyOfNamespace(key: string, namespace: string, root = "tta"): boolean {
  const own = `${root}:{${encodeSegment(namespace)}`;
  return key.startsWith(`${own}}`) || key.startsWith(`${own}:`);
}
