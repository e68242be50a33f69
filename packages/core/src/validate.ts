import type { z } from "zod";
import { ValidationError } from "./errors.js";

/** One schema problem: a dotted path (`tags.3`, or `(root)`) and what is wrong there. */
export interface Issue {
  path: string;
  message: string;
}

/** Turn zod issues into `{ path, message }` pairs. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): Issue[] {
  return issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join(".") : "(root)",
    message: issue.message,
  }));
}

/**
 * Parse `input` with `schema` or throw `VALIDATION_FAILED` whose message lists every
 * `path: message` and whose `details.issues` carries them as data.
 *
 * @example
 * const input = parseOrThrow(SessionCreateInput, body, "session.create input");
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what = "input"): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = formatIssues(result.error.issues);
  const text = issues
    .slice(0, 10)
    .map((i) => `${i.path}: ${i.message}`)
    .join("; ");
  throw new ValidationError(
    `Invalid ${what}: ${text}${issues.length > 10 ? ` (and ${issues.length - 10} more)` : ""}`,
    {
      issues,
    },
  );
}
