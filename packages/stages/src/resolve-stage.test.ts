import { expectCode } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "./default-policy.js";
import { policyHash, resolveStage } from "./resolve-stage.js";

/** The VALIDATION_FAILED error `fn` throws. */
const failure = (fn: () => unknown) => expectCode(fn, "VALIDATION_FAILED");

describe("resolveStage", () => {
  it("defaults the mode to standard", () => {
    expect(resolveStage("plan").mode).toBe("standard");
    expect(resolveStage("plan")).toEqual(resolveStage("plan", "standard"));
  });

  it("refuses an unknown stage with VALIDATION_FAILED listing the valid stages", () => {
    const err = failure(() => resolveStage("deploy", "standard"));
    expect(err.message).toContain(
      "stage: must be one of: understand, decompose, plan, implement, validate, reflect",
    );
    expect(err.details.issues).toEqual([
      { path: "stage", message: "must be one of: understand, decompose, plan, implement, validate, reflect" },
    ]);
  });

  it("refuses an unknown mode with VALIDATION_FAILED listing the valid modes", () => {
    const err = failure(() => resolveStage("plan", "rigorous"));
    expect(err.message).toContain("mode: must be one of: rapid, standard, augster-rigorous");
  });

  it("refuses an empty stage name", () => {
    expect(failure(() => resolveStage("", "standard")).message).toContain("stage: must be one of");
  });

  it("carries the policy hash: 16 hex characters, stable across calls", () => {
    const plan = resolveStage("plan", "standard");
    expect(plan.policyHash).toMatch(/^[0-9a-f]{16}$/);
    expect(plan.policyHash).toBe(policyHash(DEFAULT_POLICY));
    expect(policyHash(structuredClone(DEFAULT_POLICY))).toBe(plan.policyHash);
  });
});
