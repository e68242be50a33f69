import { z } from "zod";

/** ISO-8601 UTC timestamp with milliseconds. */
export const Timestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, "must be ISO-8601 UTC with milliseconds");

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const JsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().refine(Number.isFinite, "must be a finite number"),
    z.boolean(),
    z.null(),
    z.array(JsonValue),
    z.record(z.string(), JsonValue),
  ]),
);

function forbiddenKeyPath(value: unknown, path: (string | number)[]): (string | number)[] | null {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = forbiddenKeyPath(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  for (const key of Object.keys(value)) {
    if (key === "__proto__" || key === "constructor" || key === "prototype") return [...path, key];
    const found = forbiddenKeyPath((value as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return null;
}

/**
 * Free-form metadata: a JSON object. `__proto__`, `constructor` and `prototype` keys are refused at
 * any depth before parsing (a zod record would silently drop an own `__proto__`). Size limits are
 * checked by `checkMetadata`.
 */
export const Metadata = z.preprocess(
  (value, ctx) => {
    const path = forbiddenKeyPath(value, []);
    if (path)
      ctx.addIssue({
        code: "custom",
        message: `the key "${String(path[path.length - 1])}" is not allowed`,
        path,
        input: value,
      });
    return value;
  },
  z.record(z.string(), JsonValue),
);
export type Metadata = z.infer<typeof Metadata>;

/** Record version: 1 on create, +1 on each change. */
export const Version = z.number().int().min(1);
