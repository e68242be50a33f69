import { describe, expect, it } from "vitest";
import { describePlan } from "./describe-plan.js";
import { createStagePolicy } from "./stage-policy.js";

describe("describePlan", () => {
  it("spells out every layer that is on, its limit and the budget", () => {
    const stages = createStagePolicy();
    expect(describePlan(stages.resolve("plan", "standard"))).toBe(
      "session 30, cache 50, deep 10, pafs all; budget 8000",
    );
    expect(describePlan(stages.resolve("reflect", "augster-rigorous"))).toBe(
      "session 500, cache 100, deep 20, pafs all, groups 10×5; budget 32000",
    );
  });

  it("says nothing is loaded when every layer is off", () => {
    const off = { enabled: false };
    const stages = createStagePolicy({
      overrides: { stages: { plan: { rapid: { session: off, pafs: off } } } },
    });
    expect(describePlan(stages.resolve("plan", "rapid"))).toBe("nothing; budget 2000");
  });

  it("lists the whole table, stages then modes", () => {
    const table = createStagePolicy().table();
    expect(table).toHaveLength(18);
    expect(table.map((p) => `${p.stage}/${p.mode}`).slice(0, 4)).toEqual([
      "understand/rapid",
      "understand/standard",
      "understand/augster-rigorous",
      "decompose/rapid",
    ]);
  });
});
