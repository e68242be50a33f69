import type { SourceRef } from "../types.js";

/** What a checker may use when it checks the code base. */
export interface CheckContext {
  /** Workspace root; relative paths and globs resolve against it. */
  root: string;
  /** Whether the `command` checker may run shell commands. */
  allowCommands: boolean;
  /** Configured runtime versions by name (`{ python: "3.12.1" }`); they win over detection. */
  runtime: Readonly<Record<string, string>>;
  /** Whether a runtime that is neither configured nor running may be asked its version (`python3 --version`). */
  probeRuntimes: boolean;
  /** Time limit of one `command` check or runtime probe, in ms. */
  commandTimeoutMs: number;
}

/** The outcome of one check, before severity is decided. */
export interface CheckOutcome {
  ok: boolean;
  actual: unknown;
  expected: string;
  message: string;
  /** The check could not decide (no coverage report, runtime not found): reported as a warning. */
  undetermined?: boolean;
  /** The check was not run (a command without `allowCommands`). */
  skipped?: boolean;
  /** Places in the code base that violate the fact (files over the limit, package.json files). */
  locations?: SourceRef[];
}

/** A machine check that a `Check:` line can name. */
export interface Checker {
  name: string;
  /** How the arguments are written, for messages (`N [glob…]`). */
  usage: string;
  /** A message when the arguments are unusable, else `undefined`. */
  validateArgs(args: readonly string[]): string | undefined;
  /** Check the code base. */
  run(args: readonly string[], ctx: CheckContext): Promise<CheckOutcome>;
  /** Compare a value the caller measured (for `validatePaf`). */
  compare(args: readonly string[], actual: unknown): CheckOutcome;
}

/** Directories never searched by the file-walking checkers. */
export const IGNORED_DIRS = [
  "**/node_modules/**",
  "**/.git/**",
  "**/dist/**",
  "**/build/**",
  "**/out/**",
  "**/coverage/**",
  "**/vendor/**",
  "**/.venv/**",
  "**/venv/**",
  "**/__pycache__/**",
  "**/target/**",
  "**/.tta/**",
  "**/.turbo/**",
  "**/.next/**",
];

/** Parse a positive number written as `70`, `70%` or `70.5`. */
export function parseNumber(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(s);
  return m ? Number(m[1]) : undefined;
}

/** A number from a caller's value: a number, or a string such as `"85"` or `"85%"`. */
export function toNumber(actual: unknown): number | undefined {
  if (typeof actual === "number" && Number.isFinite(actual)) return actual;
  if (typeof actual === "string") return parseNumber(actual);
  return undefined;
}
