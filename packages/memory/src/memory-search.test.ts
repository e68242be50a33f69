import { DEFAULT_LIMITS, type DeepMemory, type MemoryKind } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { MemoryIndex } from "./memory-index.js";
import { ScoreScratch, searchIndex } from "./memory-search.js";
import { planSearch } from "./search-plan.js";

const KINDS: MemoryKind[] = ["observation", "lesson", "decision", "pattern", "failure"];
const WORDS = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split(" ");

function memory(i: number): DeepMemory {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
  return {
    id: `mem_${i.toString(32).toUpperCase().padStart(26, "0")}`,
    content: Array.from({ length: 1 + (i % 6) }, (_, j) => WORDS[(i + j * j) % WORDS.length]).join(" "),
    kind: KINDS[i % KINDS.length]!,
    tags: [`t${i % 7}`, `u${i % 3}`],
    importance: (i % 11) / 10,
    ...(i % 4 === 0 ? { sessionId: `s${i % 9}` } : {}),
    groupIds: i % 5 === 0 ? [`g${i % 2}`] : [],
    pinned: i % 41 === 0,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

describe("searchIndex", () => {
  it("gives the same hits whether the candidates or the postings drive", () => {
    const index = new MemoryIndex();
    for (let i = 0; i < 400; i++) index.upsert(memory(i));
    const now = Date.UTC(2026, 2, 1);
    const inputs = [
      { query: "alpha beta", sessionId: "s4" },
      { query: "gamma", tags: ["t3", "u1"], limit: 50 },
      { query: "delta zeta kappa", tags: ["t1", "t2"], tagMode: "any" as const, limit: 100 },
      { query: "eta", kinds: ["lesson" as const], minImportance: 0.3, limit: 100 },
      { query: "theta iota", groupId: "g1", boostTags: ["t5"], limit: 100 },
      { sessionId: "s0", limit: 100 },
      { kinds: ["failure" as const, "pattern" as const], since: "2026-01-10T00:00:00.000Z", limit: 100 },
      { tags: ["missing"] },
    ];
    for (const input of inputs) {
      const plan = planSearch(input, DEFAULT_LIMITS);
      const walked = searchIndex(index, plan, now, new ScoreScratch(), 0);
      const scanned = searchIndex(index, plan, now, new ScoreScratch(), Number.POSITIVE_INFINITY);
      expect(walked).toEqual(scanned);
    }
  });

  it("returns for a small limit exactly the head of a larger one (pruning loses nothing)", () => {
    const index = new MemoryIndex();
    for (let i = 0; i < 400; i++) index.upsert(memory(i));
    const now = Date.UTC(2026, 5, 1);
    for (const input of [
      { query: "alpha" },
      { query: "beta gamma delta" },
      {},
      { kinds: ["lesson" as const] },
    ]) {
      const wide = searchIndex(
        index,
        planSearch({ ...input, limit: 100 }, DEFAULT_LIMITS),
        now,
        new ScoreScratch(),
      );
      for (const limit of [1, 3, 10, 37]) {
        const narrow = searchIndex(
          index,
          planSearch({ ...input, limit }, DEFAULT_LIMITS),
          now,
          new ScoreScratch(),
        );
        expect(narrow).toEqual(wide.slice(0, limit));
      }
      const pinned = wide.findIndex((h) => !h.memory.pinned);
      expect(wide.slice(pinned).every((h) => !h.memory.pinned)).toBe(true);
    }
  });

  it("keeps the scratch arrays clean between searches", () => {
    const index = new MemoryIndex();
    for (let i = 0; i < 50; i++) index.upsert(memory(i));
    const scratch = new ScoreScratch();
    const plan = planSearch({ query: "alpha", limit: 100 }, DEFAULT_LIMITS);
    const first = searchIndex(index, plan, Date.UTC(2026, 2, 1), scratch);
    searchIndex(index, planSearch({ query: "beta gamma" }, DEFAULT_LIMITS), Date.UTC(2026, 2, 1), scratch);
    expect(searchIndex(index, plan, Date.UTC(2026, 2, 1), scratch)).toEqual(first);
    expect(scratch.score.every((x) => x === 0)).toBe(true);
    expect(scratch.mask.every((x) => x === 0)).toBe(true);
  });
});

describe("long queries", () => {
  it("keep the 30 rarest known terms of a long query", () => {
    const index = new MemoryIndex();
    for (let i = 0; i < 60; i++) {
      const at = "2026-01-01T00:00:00.000Z";
      const content = `common w${i} ${i % 2 ? "odd" : "even"}`;
      index.upsert({ ...memory(i), content, createdAt: at, updatedAt: at });
    }
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    const query = ["common", "odd", ...words, "unknownword"].join(" ");
    const hits = searchIndex(
      index,
      planSearch({ query, limit: 100 }, DEFAULT_LIMITS),
      Date.UTC(2026, 0, 2),
      new ScoreScratch(),
    );
    const matched = new Set(hits.flatMap((h) => h.matched));
    expect([...matched].sort()).toEqual(words.slice(0, 30).sort());
    expect(hits).toHaveLength(30);
    const none = planSearch(
      { query: Array.from({ length: 40 }, (_, i) => `zz${i}`).join(" ") },
      DEFAULT_LIMITS,
    );
    expect(searchIndex(index, none, Date.UTC(2026, 0, 2), new ScoreScratch())).toEqual([]);
  });
});
