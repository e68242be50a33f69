import { findJsonProblem, type Metadata } from "@tta-dev/core";

/**
 * The path of the first prototype-reaching key (`__proto__`, `constructor`, `prototype`) anywhere in a
 * JSON-like value, or `null`. Works on the raw input, before any parser can drop such a key, at any
 * depth and without recursion.
 *
 * @example
 * findForbiddenKey(JSON.parse('{"a":{"__proto__":1}}')) // ["a", "__proto__"]
 */
export function findForbiddenKey(value: unknown): (string | number)[] | null {
  return findJsonProblem(value, { onlyForbiddenKeys: true })?.path ?? null;
}

/**
 * Shallow merge: each key of `patch` replaces the stored one, a `null` value removes it. Returns a new
 * object; keys already present keep their position, so an idempotent patch serialises identically.
 *
 * @example
 * applyMetadataPatch({ a: 1, b: 2 }, { b: null, c: 3 }) // { a: 1, c: 3 }
 */
export function applyMetadataPatch(current: Metadata, patch: Metadata): Metadata {
  const merged: Metadata = {};
  for (const k of Object.keys(current)) {
    if (!Object.hasOwn(patch, k)) merged[k] = current[k]!;
    else if (patch[k] !== null) merged[k] = patch[k]!;
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!Object.hasOwn(current, k) && v !== null) merged[k] = v;
  }
  return merged;
}

/** Core's canonical JSON (keys sorted): two equal JSON values give the same text. */
export { canonicalJson } from "@tta-dev/core";
