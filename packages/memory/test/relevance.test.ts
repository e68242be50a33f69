import { BENCH_MEMORIES, BENCH_QUERIES } from "@tta-dev/testkit/relevance";
import { describe, expect, it } from "vitest";
import { evaluateRelevance } from "../bench/relevance/evaluate.js";

describe("relevance benchmark (bench/relevance)", () => {
  it("is a labelled set of at least 300 memories and 60 queries whose answers exist", () => {
    expect(BENCH_MEMORIES.length).toBeGreaterThanOrEqual(300);
    expect(BENCH_QUERIES.length).toBeGreaterThanOrEqual(60);
    const ids = new Set(BENCH_MEMORIES.map((m) => m.id));
    expect(ids.size).toBe(BENCH_MEMORIES.length);
    for (const q of BENCH_QUERIES) for (const id of q.relevant) expect(ids, q.query).toContain(id);
    const forms = new Set(BENCH_QUERIES.map((q) => q.form));
    expect([...forms].sort()).toEqual(["number", "paraphrase", "stop words", "typo", "verb"]);
  });

  it("finds the relevant memories in the top 5 for at least 90% of queries, above a plain minisearch", async () => {
    const report = await evaluateRelevance();
    expect(report.tta.recallAt5).toBeGreaterThanOrEqual(0.9);
    expect(report.tta.recallAt5).toBeGreaterThan(report.minisearch.recallAt5);
    expect(report.tta.mrr).toBeGreaterThan(report.minisearch.mrr);
    for (const form of ["number", "verb", "typo"] as const) {
      expect(report.tta.byForm[form].recallAt5, form).toBeGreaterThanOrEqual(0.9);
    }
  });
});
