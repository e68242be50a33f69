import { hasErrorCode, type LoadedContext, WORKFLOW_MODES, WORKFLOW_STAGES } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { createStagePolicy } from "@tta-dev/stages";
import { beforeAll, describe, expect, it } from "vitest";
import { createMemoryWorkflow, type MemoryWorkflow } from "../src/index.js";
import { call, workspace } from "./scenario.js";

// docs/domain.md#default-policy, as written there; a layer named without a number is on with the package default
// (cache 100, groups 10 peer sessions, pafs all).
const SPEC: Record<
  string,
  Record<string, Partial<Record<"session" | "cache" | "deep" | "pafs" | "groups", number>>>
> = {
  rapid: {
    understand: { session: 10 },
    decompose: { session: 10 },
    plan: { session: 10, pafs: Number.POSITIVE_INFINITY },
    implement: { session: 10, cache: 20 },
    validate: { session: 10 },
    reflect: { session: 20 },
  },
  standard: {
    understand: { session: 50, pafs: Number.POSITIVE_INFINITY },
    decompose: { session: 30, cache: 50, pafs: Number.POSITIVE_INFINITY },
    plan: { session: 30, cache: 50, deep: 10, pafs: Number.POSITIVE_INFINITY },
    implement: { session: 20, cache: 50 },
    validate: { session: 20, cache: 50, deep: 10 },
    reflect: { session: 200, cache: 50, deep: 20, pafs: Number.POSITIVE_INFINITY, groups: 10 },
  },
  "augster-rigorous": Object.fromEntries(
    WORKFLOW_STAGES.map((s) => [
      s,
      { session: 500, cache: 100, deep: 20, pafs: Number.POSITIVE_INFINITY, groups: 10 },
    ]),
  ),
};
const AVAILABLE = { session: 600, cache: 120, deep: 40, pafs: 3, groups: 12 };
const S = "core-table-2026-11-25";

describe("every stage × mode cell of the default policy", () => {
  let wf: MemoryWorkflow;
  beforeAll(async () => {
    const backend = createInMemoryBackend();
    const { root } = await workspace(backend);
    const { createPafSource } = await import("@tta-dev/paf");
    // Budgets large enough that only the item limits of the table decide.
    const policy = createStagePolicy({
      overrides: { budgets: { rapid: 9_000_000, standard: 9_000_000, "augster-rigorous": 9_000_000 } },
    });
    wf = createMemoryWorkflow({ backend, policy, pafSource: createPafSource({ root }) });
    await wf.memory.sessions.create({ id: S, title: "alpha table" });
    await wf.memory.messages.appendBatch({
      sessionId: S,
      messages: Array.from({ length: AVAILABLE.session }, (_, i) => ({ content: `m${i}` })),
    });
    for (let i = 0; i < AVAILABLE.cache; i++)
      await wf.memory.cache.set({ sessionId: S, key: `k${String(i).padStart(3, "0")}`, value: i });
    for (let i = 0; i < AVAILABLE.deep; i++)
      await wf.memory.memories.create({ content: `alpha fact ${i}`, tags: ["alpha"] });
    await wf.groups.createGroup({ name: "table" });
    await wf.groups.addSessionToGroup("table", S);
    for (let i = 0; i < AVAILABLE.groups; i++) {
      const id = `peer${i}-work-2026-11-25`;
      await wf.memory.sessions.create({ id });
      await wf.memory.messages.append({ sessionId: id, content: `peer ${i}` });
      await wf.groups.addSessionToGroup("table", id);
    }
  });

  for (const mode of WORKFLOW_MODES) {
    for (const stage of WORKFLOW_STAGES) {
      it(`${stage} × ${mode} loads exactly the layers and limits of the table`, async () => {
        const spelled = stage.length % 2 ? stage.toUpperCase() : stage[0]!.toUpperCase() + stage.slice(1);
        const ctx = await wf.loadWorkflowContext(
          { workflowId: "w", sessionId: S, metadata: { query: "alpha" }, state: {} },
          { stage: spelled, mode },
        );
        const loaded: LoadedContext = ctx.memory;
        expect(loaded.stage).toBe(stage);
        expect(loaded.mode).toBe(mode);
        const cell = SPEC[mode]![stage]!;
        for (const layer of ["session", "cache", "deep", "pafs", "groups"] as const) {
          const limit = cell[layer];
          const want = limit === undefined ? 0 : Math.min(limit, AVAILABLE[layer]);
          expect(loaded.layers[layer], `${layer}`).toHaveLength(want);
        }
        // The newest messages win, shown oldest first.
        const seqs = loaded.layers.session.map((m) => m.seq);
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        expect(seqs.at(-1)).toBe(AVAILABLE.session);
        expect(loaded.tokens.total).toBeLessThanOrEqual(loaded.tokens.budget);
        expect(loaded.explain.filter((e) => e.included).reduce((n, e) => n + e.tokens, 0)).toBe(
          loaded.tokens.total,
        );
      });
    }
  }

  it("fails VALIDATION_FAILED listing the valid stages and modes for unknown ones", async () => {
    const ctx = { workflowId: "w", sessionId: S, metadata: {}, state: {} };
    for (const [stage, mode, list] of [
      ["dream", "standard", "understand, decompose, plan"],
      ["plan", "turbo", "rapid, standard, augster-rigorous"],
    ] as const) {
      let err: unknown;
      try {
        await wf.loadWorkflowContext(ctx, { stage, mode });
      } catch (e) {
        err = e;
      }
      expect(hasErrorCode(err, "VALIDATION_FAILED")).toBe(true);
      expect((err as Error).message).toContain(list);
    }
  });
});

describe("budgets", () => {
  it("never loads over the mode's budget, takes items whole and explains every token", async () => {
    const backend = createInMemoryBackend();
    const { handlers } = await workspace(backend);
    await call(handlers, "session.create", { id: S, title: "budget" });
    const big = "x".repeat(9000);
    await call(handlers, "message.append", {
      sessionId: S,
      messages: Array.from({ length: 40 }, (_, i) => ({ content: `${i} ${big.slice(0, (i * 997) % 9000)}` })),
    });
    for (const mode of WORKFLOW_MODES) {
      const out = (await call(handlers, "context.load", { sessionId: S, stage: "reflect", mode })) as {
        context: LoadedContext;
      };
      const t = out.context.tokens;
      expect(t.total).toBeLessThanOrEqual(t.budget);
      expect(t.budget).toBe({ rapid: 2000, standard: 8000, "augster-rigorous": 32000 }[mode]);
      const excluded = out.context.explain.filter((e) => !e.included);
      expect(excluded.some((e) => e.reason === "budget")).toBe(true);
      for (const m of out.context.layers.session) expect(m.content.startsWith(`${m.seq - 1} `)).toBe(true);
    }
  });

  it("answers the same thing for the same data: handlers over two stores give identical context JSON", async () => {
    const runs: string[] = [];
    for (let r = 0; r < 2; r++) {
      const backend = createInMemoryBackend();
      const { handlers } = await workspace(backend);
      await call(handlers, "session.create", { id: S, title: "determinism", tags: ["d"] });
      await call(handlers, "message.append", { sessionId: S, content: "tie breaking" });
      for (let i = 0; i < 5; i++)
        await call(handlers, "memory.create", { content: `tie breaking rule ${i % 2}`, tags: ["d"] });
      const out = (await call(handlers, "context.load", {
        sessionId: S,
        stage: "plan",
        format: "markdown",
        explain: true,
      })) as { context: LoadedContext; rendered: string };
      runs.push(out.rendered.replace(/mem_[0-9A-Z]{26}/g, "mem_X"));
    }
    expect(runs[0]).toBe(runs[1]);
  });
});
