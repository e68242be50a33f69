import { z } from "zod";
import { isCalendarDate } from "../ids.js";
import { findJsonProblem } from "../json-check.js";

/**
 * True when `text` starts with a real calendar date `YYYY-MM-DD` and, if a time `Thh:mm[:ss]` follows,
 * a real time of day: `Date.parse` silently rolls 2025-02-30 over to March 2nd.
 */
export function isRealDateTime(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
  if (!m) return false;
  if (!isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  if (m[4] === undefined) return true;
  return Number(m[4]) < 24 && Number(m[5]) < 60 && (m[6] === undefined || Number(m[6]) < 60);
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** ISO-8601 UTC timestamp with milliseconds, of a real date and time. */
export const Timestamp = z
  .string()
  .regex(TIMESTAMP, "must be ISO-8601 UTC with milliseconds")
  .refine(isRealDateTime, "must be a real date and time");

let lastTimestamp = "";

/**
 * What {@link Timestamp} accepts, as a plain test for hot read paths. The last accepted value is
 * remembered: the messages of one batch share their time.
 */
export function isTimestamp(value: unknown): value is string {
  if (value === lastTimestamp) return true;
  if (typeof value !== "string" || !TIMESTAMP.test(value) || !isRealDateTime(value)) return false;
  lastTimestamp = value;
  return true;
}

/** A calendar date `YYYY-MM-DD` that exists (no 2025-02-30, no month 13). */
export const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine(isRealDateTime, "must be a real calendar date");

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const METADATA_CHECK = { forbiddenKeys: true, object: true };

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

/** A JSON value given as input (a cache value): like {@link JsonValue}, and prototype-reaching keys refused. */
export const JsonInputValue = z
  .unknown()
  .superRefine(jsonRefinement({ forbiddenKeys: true, object: false }))
  .meta(JsonValue.meta() ?? {}) as unknown as z.ZodType<JsonValue>;

/**
 * Free-form metadata: a JSON object. `__proto__`, `constructor` and `prototype` keys are refused at
 * any depth, before anything copies the object (a copy would silently drop or apply an own
 * `__proto__`). Size limits are checked by `checkMetadata`.
 */
export const Metadata = z
  .unknown()
  .superRefine(jsonRefinement(METADATA_CHECK))
  .meta({ type: "object" }) as unknown as z.ZodType<Record<string, JsonValue>>;
export type Metadata = Record<string, JsonValue>;

/** What {@link Metadata} accepts, as a plain test for hot read paths. */
export function isMetadata(value: unknown): value is Metadata {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  // Most messages carry `{}`: a plain empty object needs no walk.
  for (const _ in value) return findJsonProblem(value, METADATA_CHECK) === null;
  return Object.getPrototypeOf(value) === Object.prototype || findJsonProblem(value, METADATA_CHECK) === null;
}

/** Record version: 1 on create, +1 on each change. */
export const Version = z.number().int().min(1);
