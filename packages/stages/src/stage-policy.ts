import type { WorkflowMode, WorkflowStage } from "@tta-dev/core";
import { WORKFLOW_MODES, WORKFLOW_STAGES } from "@tta-dev/core";
import { applyPolicyOverrides } from "./apply-overrides.js";
import { DEFAULT_POLICY } from "./default-policy.js";
import type { StagePlan, StagePolicy } from "./policy.js";
import { parsePolicyFile } from "./policy-file.js";
import type { PolicyOverrides } from "./policy-schema.js";
import { policyHash, resolveStage } from "./resolve-stage.js";
import { type CandidateSet, type Selection, selectContext } from "./select.js";

/** Options of {@link createStagePolicy}. Overrides from `file` apply first, then `overrides`. */
export interface StagePolicyOptions {
  /** The policy to start from; default {@link DEFAULT_POLICY}. */
  base?: StagePolicy;
  /** The text of a policy file and its name (`.tta/policy.yaml`), read by the caller. */
  file?: { text: string; name: string };
  /** Overrides given in code, already validated (e.g. from `parsePolicyFile`). */
  overrides?: PolicyOverrides;
}

/** The effective policy, its hash, and the two questions the loader asks of it. */
export interface StagePolicyEngine {
  readonly policy: StagePolicy;
  readonly policyHash: string;
  /** {@link resolveStage} under this policy. */
  resolve(stage: string, mode?: string): StagePlan;
  /** Resolve, then {@link selectContext}. */
  select<C extends CandidateSet>(
    stage: string,
    mode: string | undefined,
    candidates: C,
  ): Selection<C> & { plan: StagePlan };
  /** Every cell resolved, stages then modes in their canonical order (for `policy.show`). */
  table(): StagePlan[];
}

/**
 * Build the effective stage policy from the default, a policy file and code overrides.
 *
 * @throws ValidationError / LimitExceededError from {@link parsePolicyFile}
 * @example
 * const stages = createStagePolicy({ file: { text: await readFile(".tta/policy.yaml", "utf8"), name: "policy.yaml" } });
 * const plan = stages.resolve("plan", "standard");
 */
export function createStagePolicy(options: StagePolicyOptions = {}): StagePolicyEngine {
  let policy = options.base ?? DEFAULT_POLICY;
  if (options.file)
    policy = applyPolicyOverrides(policy, parsePolicyFile(options.file.text, options.file.name));
  if (options.overrides) policy = applyPolicyOverrides(policy, options.overrides);
  const hash = policyHash(policy);
  const resolve = (stage: string, mode?: string) => resolveStage(stage, mode, policy);
  return {
    policy,
    policyHash: hash,
    resolve,
    select(stage, mode, candidates) {
      const plan = resolve(stage, mode);
      return { ...selectContext(plan, candidates), plan };
    },
    table: () =>
      WORKFLOW_STAGES.flatMap((stage: WorkflowStage) =>
        WORKFLOW_MODES.map((mode: WorkflowMode) => resolve(stage, mode)),
      ),
  };
}
