import { createHash } from "node:crypto";
import type { Paf } from "@tta-dev/core";

/**
 * The content hash of a fact: id, text, deprecation and an explicit check, not its status or place.
 * Moving a fact or re-deriving `replaced` never changes it; editing what the fact says does.
 */
export function hashFact(fact: Pick<Paf, "id" | "text" | "check" | "deprecation">): string {
  const check = fact.check && !fact.check.inferred ? [fact.check.checker, ...fact.check.args] : null;
  const dep = fact.deprecation
    ? [fact.deprecation.reason ?? null, fact.deprecation.replacedBy ?? null, fact.deprecation.date ?? null]
    : null;
  const canonical = JSON.stringify([fact.id, fact.text, dep, check]);
  return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}
