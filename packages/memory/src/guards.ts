import {
  assertPlainJson,
  checkByteLimit,
  checkCountLimit,
  checkMetadata,
  type Limits,
  normalizeTags,
  parseOrThrow,
  ValidationError,
} from "@tta-dev/core";
import type { z } from "zod";

/**
 * Parse an operation's input: prototype-reaching keys and over-deep nesting fail first (zod would
 * silently drop an own `__proto__` key, hiding the attack, and recurse without limit), then the schema.
 *
 * @throws ValidationError
 */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  if (raw !== undefined) assertPlainJson(raw);
  return parseOrThrow(schema, raw, what);
}

function tooDeep(path: string): never {
  throw new ValidationError(`${path}: the value is nested too deeply`, {
    issues: [{ path, message: "the value is nested too deeply" }],
  });
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
  // A search for the first non-space character stops at once on real text, whatever its length.
  if (!/\S/.test(text)) {
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
