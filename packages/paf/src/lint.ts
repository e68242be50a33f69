import type { Paf } from "@tta-dev/core";
import { getChecker } from "./checks/registry.js";
import { parsePafDocument } from "./parse.js";
import { type PafDocument, type PafProblem, PafProblemCode, type ParsePafOptions } from "./types.js";

/**
 * Lint a parsed PAF document: the parser's own problems plus duplicate active ids, deprecated facts
 * without a reason or replacement, replacements that do not exist, invalid `Check:` lines and a
 * stated "Total Active PAFs: N" that disagrees. Every problem is reported with its line, in line order.
 *
 * @example
 * const problems = lintParsedPafs(await parsePafDocument(text));
 */
export function lintParsedPafs(doc: PafDocument): PafProblem[] {
  const problems = [...doc.problems];
  const byId = new Map<string, Paf[]>();
  for (const fact of doc.facts) {
    const list = byId.get(fact.id);
    if (list) list.push(fact);
    else byId.set(fact.id, [fact]);
  }
  const add = (code: PafProblemCode, severity: PafProblem["severity"], fact: Paf, message: string) =>
    problems.push({ code, severity, message, source: fact.source, pafId: fact.id });

  for (const [id, facts] of byId) {
    const active = facts.filter((f) => f.status === "active");
    const first = active[0];
    for (const dup of active.slice(1)) {
      add(
        PafProblemCode.DUPLICATE_ID,
        "error",
        dup,
        `Duplicate active id ${id}: first defined on line ${first!.source.line}.`,
      );
    }
    if (first && active.length < facts.length) {
      const old = facts.find((f) => f.status !== "active")!;
      add(
        PafProblemCode.REUSED_ID,
        "warning",
        first,
        `Active ${id} reuses the id of the deprecated fact on line ${old.source.line}; give the new fact a new id (e.g. ${id}-v2).`,
      );
    }
  }

  for (const fact of doc.facts) {
    if (fact.status !== "active") lintDeprecated(fact, byId, add);
    if (fact.check && !fact.check.inferred) {
      const checker = getChecker(fact.check.checker);
      const why = checker ? checker.validateArgs(fact.check.args) : `unknown checker "${fact.check.checker}"`;
      if (why) add(PafProblemCode.INVALID_CHECK, "error", fact, `${fact.id}: invalid Check: ${why}.`);
    }
  }

  const active = doc.facts.filter((f) => f.status === "active");
  for (const total of doc.statedTotals) {
    const key = total.section === undefined ? undefined : sectionKey(total.section);
    const found =
      key === undefined
        ? active.length
        : active.filter((f) => f.section.some((h) => sectionKey(h) === key)).length;
    // A named count whose heading holds no active fact cannot be told from a name that is no heading.
    if (total.value === found || (key !== undefined && found === 0)) continue;
    problems.push({
      code: PafProblemCode.TOTAL_MISMATCH,
      severity: "warning",
      message:
        key === undefined
          ? `The document states "Total Active PAFs: ${total.value}" but ${found} active facts were found.`
          : `The document states "${total.section}: ${total.value}" but ${found} active facts are under that heading.`,
      source: { file: doc.file, line: total.line },
    });
  }
  return problems.sort((a, b) => a.source.line - b.source.line);
}

/** A heading name without its numbering, lower-cased: "3. Code Quality" → "code quality". */
function sectionKey(heading: string): string {
  return heading
    .replace(/^\s*\d+(?:\.\d+)*[.)]?\s+/, "")
    .trim()
    .toLowerCase();
}

function lintDeprecated(
  fact: Paf,
  byId: Map<string, Paf[]>,
  add: (code: PafProblemCode, severity: PafProblem["severity"], fact: Paf, message: string) => void,
): void {
  const dep = fact.deprecation ?? {};
  if (!dep.reason) {
    add(
      PafProblemCode.DEPRECATED_NO_REASON,
      "warning",
      fact,
      `Deprecated ${fact.id} gives no reason (add a "Reason:" sub-item).`,
    );
  }
  if (!dep.replacedBy) {
    add(
      PafProblemCode.DEPRECATED_NO_REPLACEMENT,
      "warning",
      fact,
      `Deprecated ${fact.id} names no replacement (add a "Replaced by:" sub-item).`,
    );
    return;
  }
  const target = byId.get(dep.replacedBy);
  if (!target) {
    add(
      PafProblemCode.DANGLING_REPLACEMENT,
      "error",
      fact,
      `${fact.id} is replaced by ${dep.replacedBy}, which is not in the document.`,
    );
  } else if (!target.some((f) => f.status === "active")) {
    add(
      PafProblemCode.REPLACEMENT_NOT_ACTIVE,
      "warning",
      fact,
      `${fact.id} is replaced by ${dep.replacedBy}, which is itself deprecated.`,
    );
  }
}

/**
 * Parse and lint a PAF document's text in one call.
 *
 * @example
 * const problems = await lintPafDocument(text, { file: "PAFCORE.md" });
 */
export async function lintPafDocument(text: string, options: ParsePafOptions = {}): Promise<PafProblem[]> {
  return lintParsedPafs(await parsePafDocument(text, options));
}
