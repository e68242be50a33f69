import type { Paf } from "@tta-dev/core";

/** How serious a problem or a failed check is. */
export type Severity = "error" | "warning" | "info";

/** Where something is in a file: 1-based line. */
export interface SourceRef {
  file: string;
  line: number;
}

/** Codes of document problems found by the parser and the linter. */
export const PafProblemCode = {
  /** A bullet that looks like a fact but does not parse as one. */
  UNPARSED_FACT: "unparsed-fact",
  /** A fact id followed by nothing. */
  EMPTY_FACT: "empty-fact",
  /** Two active facts share an id. */
  DUPLICATE_ID: "duplicate-id",
  /** An active fact reuses the id of a deprecated one. */
  REUSED_ID: "reused-id",
  /** A deprecated fact gives no reason. */
  DEPRECATED_NO_REASON: "deprecated-no-reason",
  /** A deprecated fact names no replacement. */
  DEPRECATED_NO_REPLACEMENT: "deprecated-no-replacement",
  /** `Replaced by:` names a fact that is not in the document. */
  DANGLING_REPLACEMENT: "dangling-replacement",
  /** `Replaced by:` names a fact that is itself deprecated. */
  REPLACEMENT_NOT_ACTIVE: "replacement-not-active",
  /** "Total Active PAFs: N" disagrees with the facts found. */
  TOTAL_MISMATCH: "total-mismatch",
  /** A `Check:` sub-item names an unknown checker or has bad arguments. */
  INVALID_CHECK: "invalid-check",
  /** Lists nested deeper than the parser follows. */
  TOO_DEEP: "too-deep",
} as const;
export type PafProblemCode = (typeof PafProblemCode)[keyof typeof PafProblemCode];

/** One problem in a PAF document, with the line it is on. */
export interface PafProblem {
  code: PafProblemCode;
  severity: Severity;
  message: string;
  source: SourceRef;
  pafId?: string;
}

/** A stated count such as "Total Active PAFs: 22", or "Code Quality: 6" in a "By Category:" list. */
export interface StatedTotal {
  value: number;
  line: number;
  /** The heading name the count is about; absent for the document's total. */
  section?: string;
}

/** What the parser returns: the facts, the problems it saw, and what the linter needs besides. */
export interface PafDocument {
  file: string;
  facts: Paf[];
  problems: PafProblem[];
  statedTotals: StatedTotal[];
}

/** Options of {@link parsePafDocument}. */
export interface ParsePafOptions {
  /** The file name recorded in each fact's `source` (default `PAFCORE.md`). */
  file?: string;
  /** Refuse documents larger than this many UTF-16 code units (default 4 MiB). */
  maxChars?: number;
  /** Refuse documents whose lists or quotes nest deeper than this (default 100): parsing cost grows with its square. */
  maxNesting?: number;
  /** Refuse documents with a paragraph holding more `* _ ~ [ ]` delimiters than this (default 5 000). */
  maxInlineMarkup?: number;
  /** How deep nested lists are followed; deeper facts are skipped with a `too-deep` warning (default 32). */
  maxDepth?: number;
}
