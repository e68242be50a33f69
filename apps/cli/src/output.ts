import type { ErrorCode, TtaError } from "@tta-dev/core";
import { importYaml } from "@tta-dev/runtime";
import type { CliOutput } from "./io.js";

/** How this run prints. */
export interface OutputMode {
  json: boolean;
  quiet: boolean;
  color: boolean;
}

const HINTS: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: "check the arguments; every command has --help with an example",
  NAME_INVALID: "session ids look like auth-design-2025-10-01 ({component}-{purpose}-{YYYY-MM-DD})",
  LIMIT_EXCEEDED: "shorten the input or raise the limit under `limits:` in .tta/config.yaml",
  SESSION_NOT_FOUND: "list sessions with `tta session list`, or create one with `tta session create <id>`",
  GROUP_NOT_FOUND: "list groups with `tta group list`",
  MEMORY_NOT_FOUND: "find memories with `tta memory search`",
  PAF_FILE_NOT_FOUND: "run `tta init` to write a starter PAFCORE.md, or set pafPath in .tta/config.yaml",
  ALREADY_EXISTS: "pick another name, or show the existing one",
  SESSION_NOT_ACTIVE: "completed and archived sessions take no new messages or cache entries",
  GROUP_NOT_ACTIVE: "reopen the group with `tta group reopen <group>`",
  VERSION_CONFLICT: "someone else changed it: show it again and retry with the new --if-version",
  PAF_PARSE_ERROR: "fix PAFCORE.md at the line named above",
  NOT_SUPPORTED: "run `tta doctor` to see what this backend supports",
  BACKEND_UNAVAILABLE: "is the store running? `tta doctor` checks connectivity",
  BACKEND_CORRUPT: "the stored data at the place named above failed validation",
  INTERNAL: "this is a bug; please report it with the command that caused it",
};

/** The hint printed under an error: a name error says which rule the name breaks, with an example. */
function hintFor(error: TtaError): string | undefined {
  const { pattern, example } = error.details as { pattern?: unknown; example?: unknown };
  if (error.code === "NAME_INVALID" && typeof pattern === "string" && typeof example === "string") {
    return `use ${pattern}, e.g. ${example}`;
  }
  return HINTS[error.code];
}

/** Should colour be used on a stream (a terminal, not `--no-color`, no `NO_COLOR`)? */
export function useColor(
  stream: CliOutput,
  flag: boolean,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return flag && stream.isTTY === true && (env.NO_COLOR ?? "") === "" && env.TERM !== "dumb";
}

/** Print an error: `{ "error": { code, message, details } }` with `--json`, else a line and a hint. */
export function printError(stderr: CliOutput, error: TtaError, mode: OutputMode): void {
  if (mode.json) {
    stderr.write(`${JSON.stringify({ error: error.toJSON() })}\n`);
    return;
  }
  const head = mode.color ? `\x1b[31merror\x1b[0m` : "error";
  stderr.write(`tta: ${head} ${error.code}: ${error.message}\n`);
  const hint = hintFor(error);
  if (hint) stderr.write(`  hint: ${hint}\n`);
}

/**
 * Show `label…` on stderr while `work` runs longer than a moment, only on a terminal and when not
 * quiet or `--json`; the line is erased afterwards.
 */
export async function withProgress<T>(
  stderr: CliOutput,
  mode: OutputMode,
  label: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!stderr.isTTY || mode.quiet || mode.json) return work();
  let shown = false;
  const timer = setTimeout(() => {
    shown = true;
    stderr.write(`${label}…`);
  }, 250);
  try {
    return await work();
  } finally {
    clearTimeout(timer);
    if (shown) stderr.write("\r\x1b[K");
  }
}

/** Human-readable text of a value: YAML, which reads well for entities and lists. */
export async function toHuman(value: unknown): Promise<string> {
  if (value === null || value === undefined) return "(none)\n";
  const { stringify } = await importYaml();
  return stringify(value, { lineWidth: 0 });
}
