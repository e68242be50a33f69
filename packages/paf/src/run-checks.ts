import type { Paf, PafCheck } from "@tta-dev/core";
import { getChecker } from "./checks/registry.js";
import type { CheckContext, CheckOutcome } from "./checks/types.js";
import { inferCheck } from "./infer.js";
import type { PafResult } from "./results.js";
import type { Severity } from "./types.js";

/** Options of {@link runPafChecks}. */
export interface RunPafChecksOptions {
  /** Workspace root (default `process.cwd()`). */
  root?: string;
  /** Let the `command` checker run shell commands (default false). */
  allowCommands?: boolean;
  /** Configured runtime versions (`{ python: "3.12.1" }`); Node defaults to the running one. */
  runtime?: Record<string, string>;
  /** Ask runtimes that are neither configured nor running for their version (default true). */
  probeRuntimes?: boolean;
  /** Time limit of each `command` check, ms (default 60 000). */
  commandTimeoutMs?: number;
  /** Infer checks from the wording of facts without a `Check:` line (default true). */
  infer?: boolean;
  /** Severity of a failed inferred check (default `warning`: the wording may mean something else). */
  inferredSeverity?: Severity;
  /** Also report facts without any check, as `info` (default false). */
  includeUnchecked?: boolean;
}

/** The check a fact carries, or the one inferred from its text (when `infer`). */
export function effectiveCheck(fact: Paf, infer = true): PafCheck | undefined {
  return fact.check ?? (infer ? inferCheck(fact.text) : undefined);
}

/**
 * Run the compliance checks of the active facts against the code base. Results come back in the
 * facts' order, one per checked fact. Explicit `Check:` failures are errors, inferred ones warnings
 * (see `inferredSeverity`), undecidable checks (no coverage report) warnings, skipped commands info.
 *
 * @example
 * const results = await runPafChecks(facts, { root: process.cwd(), allowCommands: false });
 */
export async function runPafChecks(
  facts: readonly Paf[],
  options: RunPafChecksOptions = {},
): Promise<PafResult[]> {
  const ctx: CheckContext = {
    root: options.root ?? process.cwd(),
    allowCommands: options.allowCommands ?? false,
    runtime: options.runtime ?? {},
    probeRuntimes: options.probeRuntimes ?? true,
    commandTimeoutMs: options.commandTimeoutMs ?? 60_000,
  };
  const infer = options.infer ?? true;
  const results: PafResult[] = [];
  for (const fact of facts) {
    if (fact.status !== "active") continue;
    const check = effectiveCheck(fact, infer);
    if (!check) {
      if (options.includeUnchecked) results.push(noCheckResult(fact));
      continue;
    }
    const checker = getChecker(check.checker);
    const invalid = checker ? checker.validateArgs(check.args) : `unknown checker "${check.checker}"`;
    if (invalid || !checker) {
      results.push({
        ...base(fact, check),
        ok: false,
        severity: "error",
        actual: null,
        expected: null,
        code: "invalid-check",
        message: `${fact.id}: invalid Check: ${invalid}.`,
      });
      continue;
    }
    let outcome: CheckOutcome;
    try {
      outcome = await checker.run(check.args, ctx);
    } catch (e) {
      outcome = {
        ok: false,
        undetermined: true,
        actual: null,
        expected: check.args.join(" "),
        message: `Check failed to run: ${(e as Error).message}`,
      };
    }
    results.push(outcomeToResult(fact, check, outcome, options.inferredSeverity ?? "warning"));
  }
  return results;
}

function base(fact: Paf, check: PafCheck) {
  return {
    pafId: fact.id,
    source: fact.source,
    kind: "check" as const,
    checker: check.checker,
    args: check.args,
    inferred: check.inferred,
  };
}

/** Turn a checker's outcome into a result, deciding its severity. */
export function outcomeToResult(
  fact: Paf,
  check: PafCheck,
  outcome: CheckOutcome,
  inferredSeverity: Severity,
): PafResult {
  const severity: Severity =
    outcome.ok || outcome.skipped
      ? "info"
      : outcome.undetermined
        ? "warning"
        : check.inferred
          ? inferredSeverity
          : "error";
  const note = check.inferred
    ? ` (inferred from "${fact.text}" as \`${check.checker} ${check.args.join(" ")}\`)`
    : "";
  return {
    ...base(fact, check),
    ok: outcome.ok,
    severity,
    actual: outcome.actual,
    expected: outcome.expected,
    message: `${fact.id}: ${outcome.message}${note}`,
    ...(outcome.skipped ? { skipped: true } : {}),
    ...(outcome.locations?.length ? { locations: outcome.locations } : {}),
  };
}

function noCheckResult(fact: Paf): PafResult {
  return {
    pafId: fact.id,
    ok: true,
    severity: "info",
    actual: null,
    expected: null,
    message: `${fact.id}: no machine check (add a "Check:" sub-item to verify it).`,
    source: fact.source,
    kind: "check",
    code: "no-check",
    skipped: true,
  };
}
