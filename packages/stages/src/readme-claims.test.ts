import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describePlan } from "./describe-plan.js";
import { createStagePolicy } from "./stage-policy.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("shows a policy file example that is valid and does what its comments say", () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toBeDefined();
    const stages = createStagePolicy({ file: { text: yaml!, name: "policy.yaml" } });
    expect(stages.resolve("plan", "standard").layers.deep).toEqual({ enabled: true, limit: 5 });
    expect(stages.resolve("plan", "standard").budget).toBe(10_000);
    expect(stages.resolve("validate", "standard").budget).toBe(12_000);
    expect(stages.resolve("implement", "rapid").layers.cache.enabled).toBe(false);
  });

  it("shows the default table as describePlan prints it", () => {
    const rows = new Map(
      readme
        .split("\n")
        .filter((line) => line.startsWith("| "))
        .map((line) => line.split("|").map((cell) => cell.trim()))
        .map((cells) => [cells[1], cells.slice(2, 5)] as const),
    );
    for (const plan of createStagePolicy().table()) {
      const column = ["rapid", "standard", "augster-rigorous"].indexOf(plan.mode);
      const shown = rows.get(plan.stage)?.[column];
      const cell = describePlan(plan).split(";")[0];
      expect(shown === "same" ? rows.get("understand")?.[column] : shown, `${plan.stage}/${plan.mode}`).toBe(
        cell,
      );
    }
  });
});
