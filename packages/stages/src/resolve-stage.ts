import { parseOrThrow, WorkflowMode, WorkflowStage } from "@tta-dev/core";
import { z } from "zod";
import { stableHash } from "./canonical-json.js";
import { DEFAULT_POLICY } from "./default-policy.js";
import type { StagePlan, StagePolicy } from "./policy.js";

const StageAndMode = z.object({ stage: WorkflowStage, mode: WorkflowMode });

const hashes = new WeakMap<StagePolicy, string>();

/**
 * The `policyHash` of a policy: the first 16 hex characters of the SHA-256 of its canonical JSON
 * (keys sorted at every depth). Equal policies have equal hashes, whatever built them.
 *
 * @example
 * policyHash(DEFAULT_POLICY); // 16 hex characters
 */
export function policyHash(policy: StagePolicy): string {
  let hash = hashes.get(policy);
  if (hash === undefined) {
    hash = stableHash(policy);
    hashes.set(policy, hash);
  }
  return hash;
}

/**
 * What a stage loads in a mode under a policy (the default policy unless given). Stage and mode
 * names are case-insensitive; the mode defaults to `standard`.
 *
 * @throws ValidationError (`VALIDATION_FAILED`) for an unknown stage or mode, listing the valid ones
 * @example
 * const plan = resolveStage("Plan", "standard");
 * plan.layers.deep; // { enabled: true, limit: 10 }
 */
export function resolveStage(stage: string, mode?: string, policy: StagePolicy = DEFAULT_POLICY): StagePlan {
  const input = parseOrThrow(StageAndMode, { stage, mode: mode ?? "standard" }, "stage or mode");
  const cell = policy.stages[input.stage][input.mode];
  return {
    stage: input.stage,
    mode: input.mode,
    policyHash: policyHash(policy),
    budget: cell.budget ?? policy.budgets[input.mode],
    priority: cell.priority ?? policy.priority[input.mode],
    layers: {
      session: cell.session,
      cache: cell.cache,
      deep: cell.deep,
      pafs: cell.pafs,
      groups: cell.groups,
    },
  };
}
