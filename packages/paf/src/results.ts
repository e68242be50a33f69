import type { PafProblem, Severity, SourceRef } from "./types.js";

/** One line of a validation report: a check's outcome or a document problem. */
export interface PafResult {
  /** The fact checked or at fault; `null` for document-wide problems. */
  pafId: string | null;
  ok: boolean;
  severity: Severity;
  actual: unknown;
  expected: string | null;
  message: string;
  /** Where the fact (or problem) is in the PAF document. */
  source: SourceRef;
  /** `check` for compliance checks, `lint` for document problems. */
  kind: "check" | "lint";
  /** The lint problem code, or `invalid-check` / `unknown-paf` / `no-check`. */
  code?: string;
  checker?: string;
  args?: string[];
  /** The check was inferred from the fact's wording, not written in a `Check:` line. */
  inferred?: boolean;
  /** The check was not run (a command without allowCommands). */
  skipped?: boolean;
  /** Places in the code base that violate the fact. */
  locations?: SourceRef[];
}

/** Counts by outcome. */
export interface PafSummary {
  total: number;
  passed: number;
  errors: number;
  warnings: number;
  skipped: number;
}

/** A lint problem as a result (`kind: "lint"`, never ok). */
export function problemToResult(problem: PafProblem): PafResult {
  return {
    pafId: problem.pafId ?? null,
    ok: problem.severity === "info",
    severity: problem.severity,
    actual: null,
    expected: null,
    message: problem.message,
    source: problem.source,
    kind: "lint",
    code: problem.code,
  };
}

/** Count results by outcome. */
export function summarizeResults(results: readonly PafResult[]): PafSummary {
  const s: PafSummary = { total: results.length, passed: 0, errors: 0, warnings: 0, skipped: 0 };
  for (const r of results) {
    if (r.skipped) s.skipped++;
    else if (r.ok) s.passed++;
    else if (r.severity === "error") s.errors++;
    else if (r.severity === "warning") s.warnings++;
  }
  return s;
}

/**
 * The exit code (docs/domain.md#paf-checks): 0 when everything passes, 1 for warnings only, 2 for any error;
 * `strict` turns warnings into errors.
 *
 * @example
 * process.exitCode = exitCodeFor(results, { strict: true });
 */
export function exitCodeFor(results: readonly PafResult[], options: { strict?: boolean } = {}): 0 | 1 | 2 {
  let code: 0 | 1 | 2 = 0;
  for (const r of results) {
    if (r.ok) continue;
    if (r.severity === "error") return 2;
    if (r.severity === "warning") code = options.strict ? 2 : 1;
    if (code === 2) return 2;
  }
  return code;
}
