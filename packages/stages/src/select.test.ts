import {
  ExplainEntry,
  LAYERS,
  type Layer,
  LoadedContext,
  WORKFLOW_MODES,
  WORKFLOW_STAGES,
} from "@tta-dev/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LayerRules, StagePlan } from "./policy.js";
import { resolveStage } from "./resolve-stage.js";
import { type Candidate, type CandidateSet, selectContext } from "./select.js";

const on = (limit: number | null) => ({ enabled: true, limit });
const off = { enabled: false, limit: null };

function plan(layers: Partial<LayerRules>, budget: number, priority?: Layer[]): StagePlan {
  return {
    stage: "plan",
    mode: "standard",
    policyHash: "test",
    budget,
    priority: priority ?? ["pafs", "session", "deep", "cache", "groups"],
    layers: {
      session: off,
      cache: off,
      deep: off,
      pafs: off,
      ...layers,
      groups: { ...off, messages: 5, ...layers.groups },
    },
  };
}

const items = (prefix: string, tokens: number[]): Candidate[] =>
  tokens.map((t, i) => ({ ref: `${prefix}${i}`, tokens: t }));

describe("selectContext", () => {
  it("takes the newest messages first and never half an item", () => {
    const result = selectContext(plan({ session: on(10) }, 25), { session: items("m", [10, 10, 10]) });
    expect(result.selected.session.map((c) => c.ref)).toEqual(["m0", "m1"]);
    expect(result.explain).toEqual([
      { layer: "session", ref: "m0", included: true, tokens: 10 },
      { layer: "session", ref: "m1", included: true, tokens: 10 },
      { layer: "session", ref: "m2", included: false, reason: "budget", tokens: 10 },
    ]);
    expect(result.tokens).toEqual({
      perLayer: { session: 20, cache: 0, deep: 0, pafs: 0, groups: 0 },
      total: 20,
      budget: 25,
    });
  });

  it("orders by rank, not by array position, and keeps array order on ties", () => {
    const result = selectContext(plan({ deep: on(2) }, 100), {
      deep: [
        { ref: "c", tokens: 1, rank: 2 },
        { ref: "a", tokens: 1, rank: 0 },
        { ref: "b1", tokens: 1, rank: 1 },
        { ref: "b2", tokens: 1, rank: 1 },
      ],
    });
    expect(result.selected.deep.map((c) => c.ref)).toEqual(["a", "b1"]);
    expect(result.explain.map((e) => [e.ref, e.reason ?? "in"])).toEqual([
      ["a", "in"],
      ["b1", "in"],
      ["b2", "limit"],
      ["c", "limit"],
    ]);
  });

  it("lets the last layer of the priority give way first", () => {
    const candidates = { pafs: items("p", [30]), session: items("m", [30]), groups: items("g", [30]) };
    const layers = { pafs: on(null), session: on(10), groups: { ...on(10), messages: 5 } };
    const a = selectContext(plan(layers, 60, ["pafs", "session", "deep", "cache", "groups"]), candidates);
    expect(a.explain.filter((e) => !e.included).map((e) => e.ref)).toEqual(["g0"]);
    const b = selectContext(plan(layers, 60, ["groups", "session", "deep", "cache", "pafs"]), candidates);
    expect(b.explain.filter((e) => !e.included).map((e) => e.ref)).toEqual(["p0"]);
  });

  it("skips an item too big for what is left and still takes smaller, lower-ranked ones", () => {
    const result = selectContext(plan({ session: on(10) }, 20), { session: items("m", [5, 50, 5]) });
    expect(result.explain.map((e) => e.reason ?? "in")).toEqual(["in", "budget", "in"]);
  });

  it("gives layer-off, expired, filtered, limit and budget reasons in that precedence", () => {
    const result = selectContext(plan({ cache: on(1) }, 3), {
      session: [{ ref: "s", tokens: 1, expired: true }],
      cache: [
        { ref: "e", tokens: 1, expired: true, filtered: true },
        { ref: "f", tokens: 1, filtered: true },
        { ref: "big", tokens: 9 },
        { ref: "ok", tokens: 1 },
        { ref: "over", tokens: 1 },
      ],
    });
    expect(result.explain.map((e) => `${e.ref}:${e.reason ?? "in"}`)).toEqual([
      "s:layer-off",
      "e:expired",
      "f:filtered",
      "big:budget",
      "ok:in",
      "over:limit",
    ]);
  });

  it("hands back the caller's own candidate objects", () => {
    const message = { seq: 7 };
    const result = selectContext(plan({ session: on(1) }, 10), {
      session: [{ ref: "seq:7", tokens: 1, item: message }],
    });
    expect(result.selected.session[0]?.item).toBe(message);
  });

  it("refuses a candidate whose tokens are not a non-negative integer", () => {
    for (const tokens of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => selectContext(plan({ session: on(1) }, 10), { session: [{ ref: "x", tokens }] })).toThrow(
        /candidates\.session\.0\.tokens/,
      );
    }
  });

  it("is deterministic for the same input", () => {
    const p = resolveStage("reflect", "standard");
    const c = {
      session: items("m", [100, 200, 300]),
      deep: items("d", [50, 60]),
      groups: items("g", [7000]),
    };
    expect(JSON.stringify(selectContext(p, c))).toBe(JSON.stringify(selectContext(p, c)));
  });
});

const candidateArb = (layer: Layer) =>
  fc.record(
    {
      ref: fc.string({ maxLength: 6 }).map((s) => `${layer}:${s}`),
      tokens: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 5_000 })),
      rank: fc.integer({ min: -5, max: 20 }),
      expired: fc.boolean(),
      filtered: fc.boolean(),
    },
    { requiredKeys: ["ref", "tokens"] },
  );

const candidateSetArb = fc.record(
  Object.fromEntries(LAYERS.map((l) => [l, fc.array(candidateArb(l), { maxLength: 25 })])) as Record<
    Layer,
    fc.Arbitrary<Candidate[]>
  >,
  { requiredKeys: [] },
);

const ruleArb = fc.record({
  enabled: fc.boolean(),
  limit: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
});

const planArb = fc
  .record({
    session: ruleArb,
    cache: ruleArb,
    deep: ruleArb,
    pafs: ruleArb,
    groups: ruleArb,
    budget: fc.integer({ min: 0, max: 20_000 }),
    priority: fc.shuffledSubarray([...LAYERS], { minLength: 5, maxLength: 5 }),
  })
  .map(({ budget, priority, groups, ...layers }) =>
    plan({ ...layers, groups: { ...groups, messages: 5 } }, budget, priority),
  );

const defaultPlanArb = fc
  .record({ stage: fc.constantFrom(...WORKFLOW_STAGES), mode: fc.constantFrom(...WORKFLOW_MODES) })
  .map(({ stage, mode }) => resolveStage(stage, mode));

function checkInvariants(p: StagePlan, candidates: CandidateSet): void {
  const result = selectContext(p, candidates);
  const all = LAYERS.flatMap((l) => candidates[l] ?? []);
  // the shapes LoadedContext holds
  for (const e of result.explain) ExplainEntry.parse(e);
  LoadedContext.shape.tokens.parse(result.tokens);
  // never over budget; totals add up
  expect(result.tokens.total).toBeLessThanOrEqual(p.budget);
  expect(result.tokens.budget).toBe(p.budget);
  const included = result.explain.filter((e) => e.included);
  expect(included.reduce((n, e) => n + e.tokens, 0)).toBe(result.tokens.total);
  for (const layer of LAYERS) {
    const mine = included.filter((e) => e.layer === layer);
    expect(mine.reduce((n, e) => n + e.tokens, 0)).toBe(result.tokens.perLayer[layer]);
    expect(result.selected[layer].map((c) => c.ref)).toEqual(mine.map((e) => e.ref));
    // never over the item limit; nothing from a layer that is off
    const { enabled, limit } = p.layers[layer];
    if (limit !== null) expect(mine.length).toBeLessThanOrEqual(limit);
    if (!enabled) expect(mine).toEqual([]);
  }
  // every candidate accounted for exactly once, with its tokens
  expect(result.explain).toHaveLength(all.length);
  const key = (c: { ref: string; tokens: number }) => `${c.ref}\u0000${c.tokens}`;
  expect(result.explain.map(key).sort()).toEqual(all.map(key).sort());
  for (const e of result.explain) {
    expect(e.included === (e.reason === undefined)).toBe(true);
  }
  // greedy: an item left out for budget did not fit in what was left when its turn came
  let used = 0;
  for (const layer of [...new Set([...p.priority, ...LAYERS])]) {
    for (const e of result.explain.filter((x) => x.layer === layer)) {
      if (e.reason === "budget") expect(e.tokens).toBeGreaterThan(p.budget - used);
      if (e.included) used += e.tokens;
    }
  }
}

describe("selectContext properties", () => {
  it("never exceeds budget or limits, and explain[] accounts for every candidate and token", () => {
    fc.assert(
      fc.property(planArb, candidateSetArb, (p, c) => checkInvariants(p, c)),
      { numRuns: 400 },
    );
  });

  it("holds for every cell of the default policy", () => {
    fc.assert(
      fc.property(defaultPlanArb, candidateSetArb, (p, c) => checkInvariants(p, c)),
      { numRuns: 200 },
    );
  });

  it("is a pure function of its input", () => {
    fc.assert(
      fc.property(planArb, candidateSetArb, (p, c) => {
        expect(selectContext(p, c)).toEqual(selectContext(structuredClone(p), structuredClone(c)));
      }),
      { numRuns: 100 },
    );
  });
});
