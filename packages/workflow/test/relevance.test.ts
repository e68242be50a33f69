import { describe, expect, it } from "vitest";
import { evaluateLoader } from "../bench/relevance.js";

describe("relevance of the context loader's default query (bench/relevance.ts)", () => {
  it("loads the relevant memories in the top 5 of the deep layer for at least 90% of session titles", async () => {
    const scores = await evaluateLoader();
    expect(scores.recallAt5).toBeGreaterThanOrEqual(0.9);
    for (const form of ["number", "verb", "typo"] as const) {
      expect(scores.byForm[form].recallAt5, form).toBeGreaterThanOrEqual(0.9);
    }
  }, 60_000);
});
