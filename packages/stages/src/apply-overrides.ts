import { LAYERS, WORKFLOW_MODES, WORKFLOW_STAGES } from "@tta-dev/core";
import { deepFreeze } from "./freeze.js";
import type { GroupsRule, LayerRule, StageCell, StagePolicy } from "./policy.js";
import type { LayerOverride, PolicyOverrides } from "./policy-schema.js";

function applyRule<R extends LayerRule>(rule: R, override: LayerOverride | undefined): R {
  if (!override) return rule;
  const next: { enabled: boolean; limit: number | null; messages?: number } = { ...rule };
  if (override.limit !== undefined) {
    next.limit = override.limit;
    // Naming a limit asks for the layer; `enabled: false` next to it still wins.
    next.enabled = true;
  }
  if (override.enabled !== undefined) next.enabled = override.enabled;
  if (override.messages !== undefined && "messages" in rule) next.messages = override.messages;
  return next as R;
}

type CellOverride = NonNullable<NonNullable<NonNullable<PolicyOverrides["stages"]>["plan"]>["standard"]>;

function applyCell(cell: StageCell, override: CellOverride | undefined): StageCell {
  if (!override) return cell;
  const next: { -readonly [K in keyof StageCell]: StageCell[K] } = { ...cell };
  for (const layer of LAYERS) {
    if (layer === "groups") next.groups = applyRule<GroupsRule>(cell.groups, override.groups);
    else next[layer] = applyRule(cell[layer], override[layer]);
  }
  if (override.budget !== undefined) next.budget = override.budget;
  if (override.priority !== undefined) next.priority = [...override.priority];
  return next;
}

/**
 * A new, frozen policy: `base` with every cell, budget and give-way order named in `overrides` replaced.
 * Setting a layer's `limit` also turns the layer on unless the same override says `enabled: false`;
 * `enabled: true` alone keeps the layer's current limit.
 *
 * @example
 * const policy = applyPolicyOverrides(DEFAULT_POLICY, { budgets: { standard: 12_000 } });
 */
export function applyPolicyOverrides(base: StagePolicy, overrides: PolicyOverrides): StagePolicy {
  const budgets = { ...base.budgets, ...(overrides.budgets ?? {}) };
  const priority = { ...base.priority };
  for (const mode of WORKFLOW_MODES) {
    const order = overrides.priority?.[mode];
    if (order) priority[mode] = [...order];
  }
  const stages = Object.fromEntries(
    WORKFLOW_STAGES.map((stage) => [
      stage,
      Object.fromEntries(
        WORKFLOW_MODES.map((mode) => [
          mode,
          applyCell(base.stages[stage][mode], overrides.stages?.[stage]?.[mode]),
        ]),
      ),
    ]),
  ) as unknown as StagePolicy["stages"];
  return deepFreeze({ version: 1, budgets, priority, stages });
}
