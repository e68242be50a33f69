import { type PafReport, toReport } from "./format.js";
import { lintParsedPafs } from "./lint.js";
import { type LoadedPafDocument, type LoadPafsOptions, loadPafs } from "./locate.js";
import { problemToResult } from "./results.js";
import { type RunPafChecksOptions, runPafChecks } from "./run-checks.js";

/** Options of {@link validatePafs}. */
export interface ValidatePafsOptions extends LoadPafsOptions, RunPafChecksOptions {
  /** An already loaded document; when absent it is found and parsed under `root`. */
  document?: LoadedPafDocument;
}

/** A validation report with the document it is about. */
export interface PafValidation extends PafReport {
  file: string;
  path: string;
}

/**
 * What `tta paf validate` does: load the document, lint it, run the compliance checks of its active
 * facts, and return `{ ok, results, summary }` (lint results first, in line order, then checks).
 * Feed `results` to `formatResults` and `exitCodeFor`.
 *
 * @example
 * const report = await validatePafs({ root: process.cwd(), allowCommands: false });
 * process.exitCode = exitCodeFor(report.results, { strict: false });
 */
export async function validatePafs(options: ValidatePafsOptions = {}): Promise<PafValidation> {
  const doc = options.document ?? (await loadPafs(options));
  const lint = lintParsedPafs(doc).map(problemToResult);
  // A bad Check: line is already a lint error; do not report it twice.
  const checks = (await runPafChecks(doc.facts, options)).filter((r) => r.code !== "invalid-check");
  return { ...toReport([...lint, ...checks]), file: doc.file, path: doc.path };
}
