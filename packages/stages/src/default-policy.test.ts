import { LAYERS, type Layer, WORKFLOW_MODES, WORKFLOW_STAGES } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "./default-policy.js";
import { resolveStage } from "./resolve-stage.js";

/** docs/domain.md#default-policy, copied as text: "layer N" is a limit, a bare layer name is on with the default limit. */
const SPEC_TABLE: Record<string, [rapid: string, standard: string, rigorous: string]> = {
  understand: ["session 10", "session 50, pafs", "session 500, cache, deep 20, pafs, groups"],
  decompose: ["session 10", "session 30, cache 50, pafs", "session 500, cache, deep 20, pafs, groups"],
  plan: [
    "session 10, pafs",
    "session 30, cache 50, deep 10, pafs",
    "session 500, cache, deep 20, pafs, groups",
  ],
  implement: ["session 10, cache 20", "session 20, cache 50", "session 500, cache, deep 20, pafs, groups"],
  validate: ["session 10", "session 20, cache 50, deep 10", "session 500, cache, deep 20, pafs, groups"],
  reflect: [
    "session 20",
    "session 200, cache 50, deep 20, pafs, groups",
    "session 500, cache, deep 20, pafs, groups",
  ],
};

/** The documented limits of a layer named without a number. */
const GENEROUS: Record<Layer, number | null> = { session: 50, cache: 100, deep: 20, pafs: null, groups: 10 };

function expected(cell: string): Record<Layer, { enabled: boolean; limit: number | null }> {
  const on = new Map<string, number | null>();
  for (const part of cell.split(",")) {
    const [name, n] = part.trim().split(" ");
    on.set(name!, n === undefined ? GENEROUS[name as Layer] : Number(n));
  }
  return Object.fromEntries(
    LAYERS.map((layer) => [layer, { enabled: on.has(layer), limit: on.has(layer) ? on.get(layer)! : null }]),
  ) as Record<Layer, { enabled: boolean; limit: number | null }>;
}

const cases = WORKFLOW_STAGES.flatMap((stage) =>
  WORKFLOW_MODES.map((mode, i) => ({ stage, mode, cell: SPEC_TABLE[stage]![i]! })),
);

describe("default policy (docs/domain.md#default-policy)", () => {
  it.each(cases)("$stage × $mode loads exactly: $cell", ({ stage, mode, cell }) => {
    const want = expected(cell);
    for (const spelled of [stage, stage.toUpperCase(), ` ${stage[0]!.toUpperCase()}${stage.slice(1)} `]) {
      const plan = resolveStage(spelled, mode.toUpperCase());
      expect(plan.stage).toBe(stage);
      expect(plan.mode).toBe(mode);
      for (const layer of LAYERS) {
        expect(plan.layers[layer].enabled, `${layer} on/off`).toBe(want[layer].enabled);
        if (want[layer].enabled) expect(plan.layers[layer].limit, `${layer} limit`).toBe(want[layer].limit);
      }
    }
  });

  it("gives each mode its documented token budget", () => {
    expect(resolveStage("plan", "rapid").budget).toBe(2_000);
    expect(resolveStage("plan", "standard").budget).toBe(8_000);
    expect(resolveStage("plan", "augster-rigorous").budget).toBe(32_000);
  });

  it("shows 5 messages per peer session in the groups layer", () => {
    expect(resolveStage("reflect", "standard").layers.groups).toEqual({
      enabled: true,
      limit: 10,
      messages: 5,
    });
  });

  it("keeps PAFs and session messages longest and lets the groups layer give way first", () => {
    for (const mode of WORKFLOW_MODES) {
      expect(resolveStage("plan", mode).priority).toEqual(["pafs", "session", "deep", "cache", "groups"]);
    }
  });

  it("is frozen", () => {
    expect(Object.isFrozen(DEFAULT_POLICY.stages.plan.standard.deep)).toBe(true);
    expect(() => {
      (DEFAULT_POLICY.budgets as Record<string, number>).standard = 1;
    }).toThrow(TypeError);
  });
});
