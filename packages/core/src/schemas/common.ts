import { z } from "zod";
import { findJsonProblem } from "../json-check.js";

/** ISO-8601 UTC timestamp with milliseconds. */
export const Timestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, "must be ISO-8601 UTC with milliseconds");

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function jsonRefinement(options: { forbiddenKeys: boolean; object: boolean }) {
  return (value: unknown, ctx: z.RefinementCtx) => {
    if (options.object && (typeof value !== "object" || value === null || Array.isArray(value))) {
      ctx.addIssue({ code: "custom", message: "must be a JSON object", input: value });
      return;
    }
    const problem = findJsonProblem(value, options);
    if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: problem.path, input: value });
  };
}

/**
 * Any JSON value, nested at most 64 levels (`MAX_JSON_DEPTH`). Checked by one walk without
 * recursion, so that no input and no stored value can overflow the stack (a recursive schema would).
 * Its JSON Schema is the usual recursive one (see `@tta-dev/contract`'s OpenAPI document).
 */
export const JsonValue = z
  .unknown()
  .superRefine(jsonRefinement({ forbiddenKeys: false, object: false }))
  .meta({
    anyOf: [
      { type: "string" },
      { type: "number" },
      { type: "boolean" },
      { type: "null" },
      { type: "array" },
      { type: "object" },
    ],
  }) as unknown as z.ZodType<JsonValue>;

/**
 * Free-form metadata: a JSON object. `__proto__`, `constructor` and `prototype` keys are refused at
 * any depth, before anything copies the object (a copy would silently drop or apply an own
 * `__proto__`). Size limits are checked by `checkMetadata`.
 */
export const Metadata = z
  .unknown()
  .superRefine(jsonRefinement({ forbiddenKeys: true, object: true }))
  .meta({ type: "object" }) as unknown as z.ZodType<Record<string, JsonValue>>;
export type Metadata = Record<string, JsonValue>;

/** Record version: 1 on create, +1 on each change. */
export const Version = z.number().int().min(1);
