import type { z } from "zod";
import { BackendCorruptError } from "./errors.js";
import { formatIssues } from "./validate.js";

/**
 * Validate data read back from a store. Corrupt data fails `BACKEND_CORRUPT` naming the place
 * (a key, a file and line) instead of crashing later.
 */
export function parseStored<S extends z.ZodType>(schema: S, value: unknown, place: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = formatIssues(result.error.issues);
  throw new BackendCorruptError(
    `Corrupt data at ${place}: ${issues
      .slice(0, 3)
      .map((i) => `${i.path}: ${i.message}`)
      .join("; ")}`,
    { place, issues },
  );
}
