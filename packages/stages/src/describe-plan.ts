import { LAYERS } from "@tta-dev/core";
import type { StagePlan } from "./policy.js";

/**
 * A stage plan in one line, in the notation of docs/domain.md#default-policy with every limit spelled out: layers that
 * are on, their limits (`all`: no item limit; `groups 10×5`: peers × messages), then the budget.
 *
 * @example
 * describePlan(resolveStage("plan", "standard"));
 * // "session 30, cache 50, deep 10, pafs all; budget 8000"
 */
export function describePlan(plan: StagePlan): string {
  const parts: string[] = [];
  for (const layer of LAYERS) {
    const rule = plan.layers[layer];
    if (!rule.enabled) continue;
    const limit = rule.limit === null ? "all" : String(rule.limit);
    parts.push(layer === "groups" ? `groups ${limit}×${plan.layers.groups.messages}` : `${layer} ${limit}`);
  }
  return `${parts.length ? parts.join(", ") : "nothing"}; budget ${plan.budget}`;
}
