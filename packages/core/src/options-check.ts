import { ValidationError } from "./errors.js";
import type { Issue } from "./validate.js";

/** Checks one option: a message when its value is wrong, `null` when it is fine. */
export type OptionRule = (value: unknown) => string | null;

/** One rule per option name; options without a rule are not looked at. */
export type OptionRules<T> = { [K in keyof T]-?: OptionRule };

const optional =
  (rule: OptionRule): OptionRule =>
  (value) =>
    value === undefined ? null : rule(value);

/**
 * The rules backends check their options with, so that the same mistake reads the same in every
 * backend. Each accepts `undefined` (the option is left out) unless wrapped in `required`.
 */
export const OptionRule = {
  /** The option must be given. */
  required:
    (rule: OptionRule): OptionRule =>
    (value) =>
      value === undefined ? "is required" : rule(value),
  /** An integer from `min` (to `max`, when given). */
  integer: (min: number, max?: number): OptionRule =>
    optional((v) =>
      typeof v === "number" && Number.isInteger(v) && v >= min && (max === undefined || v <= max)
        ? null
        : max === undefined
          ? `must be an integer of at least ${min}`
          : `must be an integer from ${min} to ${max}`,
    ),
  boolean: (): OptionRule => optional((v) => (typeof v === "boolean" ? null : "must be true or false")),
  /** A non-empty string, matching `pattern` when given (`shape` says what it must look like). */
  string: (pattern?: RegExp, shape?: string): OptionRule =>
    optional((v) =>
      typeof v !== "string" || v.length === 0
        ? "must be a non-empty string"
        : pattern && !pattern.test(v)
          ? `must match ${shape ?? pattern.source}`
          : null,
    ),
  oneOf: (values: readonly string[]): OptionRule =>
    optional((v) =>
      values.includes(v as string)
        ? null
        : `must be one of ${values.map((x) => JSON.stringify(x)).join(", ")}`,
    ),
  /** A `Clock`: an object with a `now()` method. */
  clock: (): OptionRule =>
    optional((v) =>
      typeof (v as { now?: unknown } | null)?.now === "function"
        ? null
        : "must be a clock (an object with now())",
    ),
  /** Any non-null object (a client, a store, nested options), described as `what`. */
  object: (what: string): OptionRule =>
    optional((v) => (typeof v === "object" && v !== null ? null : `must be ${what}`)),
  /** Anything: the option is known and its value is checked where it is used. */
  any: (): OptionRule => () => null,
} as const;

/** A backend's options failed their rules; `details.backend` names it, `details.issues` lists each. */
export class InvalidOptionsError extends ValidationError {
  constructor(backend: string, issues: Issue[]) {
    super(`Invalid ${backend} backend options: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, {
      backend,
      issues,
    });
  }
}

/**
 * Check a backend's options against one rule per option, plus `also` for rules that tie several
 * options together, and fail once listing every problem. The one way every backend checks its options.
 *
 * @throws VALIDATION_FAILED ({@link InvalidOptionsError}): `Invalid redis backend options: commandTimeoutMs: must be an integer from 1 to 600000`.
 * @example
 * const o = checkBackendOptions("memory", options, { clock: OptionRule.clock() });
 */
export function checkBackendOptions<T extends object>(
  backend: string,
  options: T | undefined,
  rules: OptionRules<T>,
  also: (options: T) => Issue[] = () => [],
): T {
  if (options === undefined) options = {} as T;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidOptionsError(backend, [{ path: "(root)", message: "must be an object" }]);
  }
  const issues: Issue[] = [];
  for (const name of Object.keys(rules) as (keyof T & string)[]) {
    const message = rules[name](options[name]);
    if (message !== null) issues.push({ path: name, message });
  }
  if (issues.length === 0) issues.push(...also(options));
  if (issues.length) throw new InvalidOptionsError(backend, issues);
  return options;
}
