import {
  checkByteLimit,
  checkCountLimit,
  checkMetadata,
  FORBIDDEN_KEYS,
  type Limits,
  normalizeTags,
  parseOrThrow,
  ValidationError,
} from "@tta-dev/core";
import type { z } from "zod";

/** Inputs nested deeper than this are refused (schemas and JSON walk them recursively). */
export const MAX_INPUT_DEPTH = 64;

function refuse(path: string, message: string): never {
  throw new ValidationError(`${path}: ${message}`, { issues: [{ path, message }] });
}

/**
 * Walk an input once, without recursion and without building paths unless something is wrong:
 * refuse keys that reach object prototypes (`__proto__`, `constructor`, `prototype`) at any depth,
 * non-plain objects, values JSON cannot carry (non-finite numbers, bigint, functions, symbols,
 * `undefined` in arrays) and nesting deeper than {@link MAX_INPUT_DEPTH}.
 */
function inspect(raw: unknown): void {
  const nodes: unknown[] = [raw];
  const parents: number[] = [-1];
  const keys: (string | number)[] = [""];
  const depths: number[] = [0];
  const pathOf = (i: number, last?: string) => {
    const parts: (string | number)[] = last === undefined ? [] : [last];
    for (let at = i; at > 0; at = parents[at]!) parts.unshift(keys[at]!);
    return parts.length ? parts.join(".") : "(root)";
  };
  for (let i = 0; i < nodes.length; i++) {
    const value = nodes[i];
    const type = typeof value;
    if (type === "number") {
      if (!Number.isFinite(value)) refuse(pathOf(i), "numbers must be finite");
      continue;
    }
    if (type === "bigint" || type === "function" || type === "symbol")
      refuse(pathOf(i), `a ${type} is not JSON`);
    if (type !== "object" || value === null) continue;
    const depth = depths[i]! + 1;
    if (depth > MAX_INPUT_DEPTH) refuse(pathOf(i), `nested more than ${MAX_INPUT_DEPTH} levels deep`);
    if (Array.isArray(value)) {
      for (let j = 0; j < value.length; j++) {
        if (value[j] === undefined) refuse(pathOf(i, String(j)), "undefined is not JSON");
        nodes.push(value[j]);
        parents.push(i);
        keys.push(j);
        depths.push(depth);
      }
      continue;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) refuse(pathOf(i), "must be a plain JSON object");
    for (const key of Object.keys(value as object)) {
      if (FORBIDDEN_KEYS.has(key)) refuse(pathOf(i, key), `the key "${key}" is not allowed`);
      nodes.push((value as Record<string, unknown>)[key]);
      parents.push(i);
      keys.push(key);
      depths.push(depth);
    }
  }
}

/**
 * Parse an operation's input: prototype-reaching keys and over-deep nesting fail first (zod would
 * silently drop an own `__proto__` key, hiding the attack, and recurse without limit), then the schema.
 *
 * @throws ValidationError
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  inspect(raw);
  return parseOrThrow(schema, raw, what);
}

function tooDeep(path: string): never {
  refuse(path, "the value is nested too deeply");
}

/** Normalise tags (lower-case, unique, valid) and enforce the per-item limit. */
export function checkTags(tags: readonly string[] | undefined, limits: Limits, field = "tags"): string[] {
  const out = normalizeTags(tags ?? [], field);
  checkCountLimit(out.length, limits.tagsPerItem, field);
  return out;
}

/** Enforce a UTF-8 byte limit on a text field. */
export function checkText(text: string, maxBytes: number, field: string): void {
  checkByteLimit(text, maxBytes, field);
}

/** Refuse an empty or whitespace-only text. */
export function checkNotBlank(text: string, field: string): void {
  if (text.trim().length === 0) {
    throw new ValidationError(`${field}: must not be empty`, { issues: [{ path: field, message: "empty" }] });
  }
}

/** Check metadata against the limits (forbidden keys, key count, JSON size); returns a copy or `{}`. */
export function checkMeta(
  meta: Record<string, unknown> | undefined,
  limits: Limits,
  field = "metadata",
): Record<string, unknown> {
  if (meta === undefined) return {};
  checkMetadata(meta, limits, field);
  return meta;
}

/** Serialise a JSON value, turning a too-deep structure into VALIDATION_FAILED instead of a crash. */
export function safeStringify(value: unknown, field: string): string {
  try {
    const text = JSON.stringify(value);
    if (text === undefined) {
      throw new ValidationError(`${field}: must be a JSON value`, {
        issues: [{ path: field, message: "not JSON" }],
      });
    }
    return text;
  } catch (error) {
    if (error instanceof RangeError) tooDeep(field);
    if (error instanceof TypeError) {
      throw new ValidationError(`${field}: must be a JSON value (${error.message})`, {
        issues: [{ path: field, message: "not JSON" }],
      });
    }
    throw error;
  }
}
