export { type CheckSpec, parseCheckSpec } from "./check-spec.js";
export {
  COVERAGE_METRICS,
  type CoverageCount,
  type CoverageFormat,
  type CoverageMetric,
  DEFAULT_COVERAGE_REPORTS,
  detectCoverageFormat,
  percentOf,
  readCobertura,
  readCoverage,
  readIstanbulSummary,
  readLcov,
} from "./checks/coverage-reports.js";
export { countLines, DEFAULT_SOURCE_GLOBS } from "./checks/max-lines.js";
export { CHECKERS, getChecker } from "./checks/registry.js";
export type { CheckContext, Checker, CheckOutcome } from "./checks/types.js";
export { formatResults, type PafFormat, type PafReport, toReport } from "./format.js";
export { hashFact } from "./hash.js";
export { categoryOf, isPafId, PAF_ID_PATTERN } from "./ids.js";
export { inferCheck } from "./infer.js";
export { lintPafDocument, lintParsedPafs } from "./lint.js";
export {
  findPafFile,
  type LoadedPafDocument,
  type LoadPafsOptions,
  loadPafs,
  PAF_LOOKUP_ORDER,
  type PafLocation,
  readPafText,
} from "./locate.js";
export { loadMarkdownParser } from "./markdown.js";
export { DEFAULT_MAX_CHARS, DEFAULT_MAX_DEPTH, parsePafDocument } from "./parse.js";
export { renderPafDocument } from "./render.js";
export {
  exitCodeFor,
  type PafResult,
  type PafSummary,
  problemToResult,
  summarizeResults,
} from "./results.js";
export { effectiveCheck, type RunPafChecksOptions, runPafChecks } from "./run-checks.js";
export {
  diffPafs,
  formatPafDiff,
  hasPafChanges,
  type PafChange,
  type PafDiff,
  type PafSnapshot,
  snapshotPafs,
} from "./snapshot.js";
export { readPafSnapshot, writeFileAtomic, writePafSnapshot } from "./snapshot-file.js";
export {
  type CachedPafSource,
  createPafSource,
  PARSER_VERSION,
  type PafSource,
  type PafSourceOptions,
} from "./source.js";
export {
  type PafDocument,
  type PafProblem,
  PafProblemCode,
  type ParsePafOptions,
  type Severity,
  type SourceRef,
  type StatedTotal,
} from "./types.js";
export { type PafValidation, type ValidatePafsOptions, validatePafs } from "./validate-document.js";
export { createPafRegistry, type PafRegistry, type ValidatePafOptions, validatePaf } from "./validate-paf.js";
