import { FORBIDDEN_KEYS, type Metadata } from "@tta-dev/core";

/**
 * The path of the first prototype-reaching key (`__proto__`, `constructor`, `prototype`) anywhere in a
 * JSON-like value, or `null`. Works on the raw input, before any parser can drop such a key.
 *
 * @example
 * findForbiddenKey(JSON.parse('{"a":{"__proto__":1}}')) // ["a", "__proto__"]
 */
export function findForbiddenKey(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findForbiddenKey(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return [...path, key];
    const found = findForbiddenKey((value as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return null;
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

/** JSON with object keys sorted: two equal JSON values give the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
