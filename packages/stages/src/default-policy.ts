import { type Layer, WORKFLOW_MODES, WORKFLOW_STAGES, type WorkflowStage } from "@tta-dev/core";
import { deepFreeze } from "./freeze.js";
import type { StageCell, StagePolicy } from "./policy.js";

/**
 * Item limit of a layer that the table turns on without a number ("cache", "pafs", "groups" in the
 * augster-rigorous column): cache 100 entries, all active PAFs, 10 peer sessions, 20 deep memories,
 * 50 session messages. Also the limit a layer gets when a policy file turns it on with `enabled: true` alone.
 */
export const DEFAULT_LAYER_LIMITS: Readonly<Record<Layer, number | null>> = Object.freeze({
  session: 50,
  cache: 100,
  deep: 20,
  pafs: null,
  groups: 10,
});

/** Messages shown per peer session in the `groups` layer unless a policy says otherwise. */
export const DEFAULT_GROUP_MESSAGES = 5;

/** Token budget per load, per mode (docs/domain.md#default-policy). */
export const DEFAULT_BUDGETS = Object.freeze({ rapid: 2_000, standard: 8_000, "augster-rigorous": 32_000 });

/**
 * Default give-way order, kept longest first: PAFs are the project's rules and go last, then the
 * newest session messages, then deep memories, the cache, and the other sessions of the groups first.
 */
export const DEFAULT_PRIORITY: readonly Layer[] = Object.freeze([
  "pafs",
  "session",
  "deep",
  "cache",
  "groups",
]);

type CellSpec = Partial<Record<Layer, number | true>>;

function cell(spec: CellSpec): StageCell {
  const rule = (layer: Layer) => {
    const v = spec[layer];
    return { enabled: v !== undefined, limit: typeof v === "number" ? v : DEFAULT_LAYER_LIMITS[layer] };
  };
  return {
    session: rule("session"),
    cache: rule("cache"),
    deep: rule("deep"),
    pafs: rule("pafs"),
    groups: { ...rule("groups"), messages: DEFAULT_GROUP_MESSAGES },
  };
}

const RIGOROUS: CellSpec = { session: 500, cache: true, deep: 20, pafs: true, groups: true };

/** docs/domain.md#default-policy, rapid and standard columns (the rigorous column is the same for every stage). */
const TABLE: Record<WorkflowStage, { rapid: CellSpec; standard: CellSpec }> = {
  understand: { rapid: { session: 10 }, standard: { session: 50, pafs: true } },
  decompose: { rapid: { session: 10 }, standard: { session: 30, cache: 50, pafs: true } },
  plan: { rapid: { session: 10, pafs: true }, standard: { session: 30, cache: 50, deep: 10, pafs: true } },
  implement: { rapid: { session: 10, cache: 20 }, standard: { session: 20, cache: 50 } },
  validate: { rapid: { session: 10 }, standard: { session: 20, cache: 50, deep: 10 } },
  reflect: {
    rapid: { session: 20 },
    standard: { session: 200, cache: 50, deep: 20, pafs: true, groups: true },
  },
};

function buildDefault(): StagePolicy {
  const stages = Object.fromEntries(
    WORKFLOW_STAGES.map((stage) => [
      stage,
      {
        rapid: cell(TABLE[stage].rapid),
        standard: cell(TABLE[stage].standard),
        "augster-rigorous": cell(RIGOROUS),
      },
    ]),
  ) as unknown as StagePolicy["stages"];
  const priority = Object.fromEntries(WORKFLOW_MODES.map((m) => [m, [...DEFAULT_PRIORITY]]));
  return deepFreeze({
    version: 1,
    budgets: { ...DEFAULT_BUDGETS },
    priority: priority as unknown as StagePolicy["priority"],
    stages,
  });
}

/** The default policy (docs/domain.md#default-policy), frozen. Layers are listed in core `LAYERS` order. */
export const DEFAULT_POLICY: StagePolicy = buildDefault();
