import type { Layer, WorkflowMode, WorkflowStage } from "@tta-dev/core";

/** Whether a layer is loaded at one stage and mode, and at most how many items (`null`: no item limit). */
export interface LayerRule {
  readonly enabled: boolean;
  readonly limit: number | null;
}

/** The `groups` layer rule: `limit` counts peer sessions, `messages` the last messages shown per peer. */
export interface GroupsRule extends LayerRule {
  readonly messages: number;
}

/** The rules of every layer. */
export interface LayerRules {
  readonly session: LayerRule;
  readonly cache: LayerRule;
  readonly deep: LayerRule;
  readonly pafs: LayerRule;
  readonly groups: GroupsRule;
}

/**
 * One cell of the policy table (one stage × one mode). `budget` and `priority`, when present,
 * replace the mode's defaults for this cell only.
 */
export interface StageCell extends LayerRules {
  readonly budget?: number;
  readonly priority?: readonly Layer[];
}

/**
 * A complete stage policy: token budget and give-way order per mode, and the layer rules of every
 * stage × mode cell.
 *
 * `priority` lists all five layers, the one kept longest first: layers are filled in this order,
 * so when the budget runs short the last layer gives way first.
 */
export interface StagePolicy {
  readonly version: 1;
  readonly budgets: Readonly<Record<WorkflowMode, number>>;
  readonly priority: Readonly<Record<WorkflowMode, readonly Layer[]>>;
  readonly stages: Readonly<Record<WorkflowStage, Readonly<Record<WorkflowMode, StageCell>>>>;
}

/** What one stage × mode loads: the resolved cell, its budget and give-way order, and the policy's hash. */
export interface StagePlan {
  readonly stage: WorkflowStage;
  readonly mode: WorkflowMode;
  readonly policyHash: string;
  readonly budget: number;
  readonly priority: readonly Layer[];
  readonly layers: LayerRules;
}

/** Largest item limit a policy may set. */
export const MAX_ITEM_LIMIT = 100_000;
/** Largest token budget a policy may set. */
export const MAX_TOKEN_BUDGET = 10_000_000;
/** Largest number of messages per peer session the `groups` layer may show. */
export const MAX_GROUP_MESSAGES = 1_000;
