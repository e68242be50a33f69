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

/** Free-form metadata: a JSON object. Limits and forbidden keys are checked by `checkMetadata`. */
export const Metadata = z.record(z.string(), JsonValue);
export type Metadata = z.infer<typeof Metadata>;

/** Record version: 1 on create, +1 on each change. */
export const Version = z.number().int().min(1);
