import type { Paf } from "@tta-dev/core";
import { getChecker } from "./checks/registry.js";
import type { PafResult } from "./results.js";
import { effectiveCheck, outcomeToResult } from "./run-checks.js";
import type { Severity } from "./types.js";

/** Options of {@link validatePaf}. */
export interface ValidatePafOptions {
  /** Severity of a failed inferred check (default `error`: the caller asked about this value). */
  inferredSeverity?: Severity;
}

/**
 * Apply a fact's check (its `Check:` line, else the one inferred from its wording) to a value the
 * caller measured. `validatePaf(facts, "QUAL-001", 85)` passes "Minimum 70% test coverage"; 65 fails
 * with a message naming 65 and 70. An unknown id or a fact without a check gives a failed result,
 * never an exception.
 *
 * @example
 * const r = validatePaf(facts, "LANG-001", "Python 3.12.1");
 * if (!r.ok) console.error(r.message);
 */
export function validatePaf(
  facts: readonly Paf[],
  id: string,
  actual: unknown,
  options: ValidatePafOptions = {},
): PafResult {
  const fact = facts.find((f) => f.id === id && f.status === "active") ?? facts.find((f) => f.id === id);
  if (!fact) {
    return {
      pafId: id,
      ok: false,
      severity: "error",
      actual,
      expected: null,
      message: `No PAF with id ${id}.`,
      source: { file: "", line: 1 },
      kind: "check",
      code: "unknown-paf",
    };
  }
  const check = effectiveCheck(fact);
  const checker = check && getChecker(check.checker);
  const invalid =
    check && (checker ? checker.validateArgs(check.args) : `unknown checker "${check.checker}"`);
  if (!check || !checker || invalid) {
    return {
      pafId: id,
      ok: false,
      severity: "warning",
      actual,
      expected: null,
      message: invalid
        ? `${id}: invalid Check: ${invalid}.`
        : `${id} ("${fact.text}") has no machine check; add a "Check:" sub-item to validate values against it.`,
      source: fact.source,
      kind: "check",
      code: invalid ? "invalid-check" : "no-check",
    };
  }
  const result = outcomeToResult(
    fact,
    check,
    checker.compare(check.args, actual),
    options.inferredSeverity ?? "error",
  );
  if (fact.status !== "active") result.message += ` (${id} is ${fact.status})`;
  return result;
}

/** Facts by id, with validation: what the workflow and the CLI hold after loading a document. */
export interface PafRegistry {
  readonly facts: readonly Paf[];
  /** The active fact with this id, else a deprecated one, else `undefined`. */
  get(id: string): Paf | undefined;
  /** Facts, active only unless `all`; optionally of one category. */
  list(filter?: { category?: string; all?: boolean }): Paf[];
  /** {@link validatePaf} against this registry's facts. */
  validatePaf(id: string, actual: unknown, options?: ValidatePafOptions): PafResult;
}

/**
 * Wrap parsed facts in a registry.
 *
 * @example
 * const registry = createPafRegistry(facts);
 * registry.validatePaf("QUAL-001", 85).ok; // true for "Minimum 70% test coverage"
 */
export function createPafRegistry(facts: readonly Paf[]): PafRegistry {
  const byId = new Map<string, Paf>();
  for (const f of facts) {
    const prev = byId.get(f.id);
    if (!prev || (prev.status !== "active" && f.status === "active")) byId.set(f.id, f);
  }
  return {
    facts,
    get: (id) => byId.get(id),
    list: (filter = {}) =>
      facts.filter(
        (f) =>
          (filter.all || f.status === "active") &&
          (!filter.category || f.category === filter.category.toUpperCase()),
      ),
    validatePaf: (id, actual, options) => validatePaf(facts, id, actual, options),
  };
}
