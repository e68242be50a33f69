import { ValidationError } from "./errors.js";

/** Inputs (metadata, cache values, bodies) nested deeper than this are refused. */
export const MAX_JSON_DEPTH = 64;

/** Keys that are never accepted in metadata or as record keys, because they reach object prototypes. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** What is wrong with a value and where: `path` is the list of keys and indexes from the root. */
export interface JsonProblem {
  kind: "forbidden-key" | "not-plain" | "not-json" | "too-deep";
  path: (string | number)[];
  message: string;
}

/** Options of {@link findJsonProblem}. */
export interface JsonCheckOptions {
  /** Deepest nesting allowed; default {@link MAX_JSON_DEPTH}. */
  maxDepth?: number;
  /** Also refuse `__proto__`, `constructor` and `prototype` keys (default true). */
  forbiddenKeys?: boolean;
  /** Look only for prototype-reaching keys, at any depth (default false). */
  onlyForbiddenKeys?: boolean;
}

/**
 * Walk a value once, without recursion (so no nesting depth can overflow the stack) and without
 * building paths unless something is wrong. Finds the first of: a prototype-reaching key, a
 * non-plain object, a value JSON cannot carry (non-finite number, bigint, function, symbol,
 * `undefined` in an array) and nesting deeper than `maxDepth`. `null` when the value is
 * plain JSON.
 *
 * @example
 * findJsonProblem(JSON.parse('{"a":{"__proto__":1}}')); // { path: ["a", "__proto__"], message: … }
 */
export function findJsonProblem(raw: unknown, options: JsonCheckOptions = {}): JsonProblem | null {
  const only = options.onlyForbiddenKeys === true;
  const maxDepth = only ? Number.POSITIVE_INFINITY : (options.maxDepth ?? MAX_JSON_DEPTH);
  const checkKeys = only || options.forbiddenKeys !== false;
  const nodes: unknown[] = [raw];
  const parents: number[] = [-1];
  const keys: (string | number)[] = [""];
  const depths: number[] = [0];
  // Objects reached twice (shared, or a cycle a program built) are walked once.
  const seen = new Set<object>();
  const problem = (
    kind: JsonProblem["kind"],
    i: number,
    message: string,
    last?: string | number,
  ): JsonProblem | null => {
    if (only && kind !== "forbidden-key") return null;
    const path: (string | number)[] = last === undefined ? [] : [last];
    for (let at = i; at > 0; at = parents[at]!) path.unshift(keys[at]!);
    return { kind, path, message };
  };
  for (let i = 0; i < nodes.length; i++) {
    const value = nodes[i];
    const type = typeof value;
    if (type === "number") {
      if (!Number.isFinite(value) && !only) return problem("not-json", i, "numbers must be finite");
      continue;
    }
    if (type === "string" || type === "boolean" || value === null) continue;
    if (type !== "object") {
      if (only) continue;
      return problem("not-json", i, `${type === "undefined" ? "undefined" : `a ${type}`} is not JSON`);
    }
    if (seen.has(value as object)) continue;
    seen.add(value as object);
    const depth = depths[i]! + 1;
    if (depth > maxDepth) return problem("too-deep", i, `nested more than ${maxDepth} levels deep`);
    if (Array.isArray(value)) {
      for (let j = 0; j < value.length; j++) {
        if (value[j] === undefined && !only) return problem("not-json", i, "undefined is not JSON", j);
        nodes.push(value[j]);
        parents.push(i);
        keys.push(j);
        depths.push(depth);
      }
      continue;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null && !only) {
      return problem("not-plain", i, "must be a plain JSON object");
    }
    for (const key of Object.keys(value as object)) {
      if (checkKeys && FORBIDDEN_KEYS.has(key)) {
        return problem("forbidden-key", i, `the key "${key}" is not allowed`, key);
      }
      const member = (value as Record<string, unknown>)[key];
      // An absent optional field is fine: JSON.stringify drops it.
      if (member === undefined) continue;
      nodes.push(member);
      parents.push(i);
      keys.push(key);
      depths.push(depth);
    }
  }
  return null;
}

/** `a.b.0` for a problem path, `(root)` for the value itself. */
export function formatJsonPath(base: string | undefined, path: readonly (string | number)[]): string {
  const parts = base ? [base, ...path] : [...path];
  return parts.length ? parts.join(".") : "(root)";
}

/**
 * Refuse a value that is not plain JSON within {@link MAX_JSON_DEPTH} levels (see
 * {@link findJsonProblem}); run it before any schema, because schemas recurse.
 *
 * @throws ValidationError naming the path
 */
export function assertPlainJson(value: unknown, base?: string, options: JsonCheckOptions = {}): void {
  const found = findJsonProblem(value, options);
  if (!found) return;
  const path = formatJsonPath(base, found.path);
  throw new ValidationError(`${path}: ${found.message}`, { issues: [{ path, message: found.message }] });
}
