import { createManualClock } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { describe, expect, it } from "vitest";
import { createMemoryWorkflow } from "../src/index.js";

const S = "redis-perf-2026-11-25";
const ctx = { workflowId: "wf-1", sessionId: S, metadata: {}, state: {} };

function setup() {
  const clock = createManualClock("2026-11-25T12:00:00.000Z");
  const warnings: string[] = [];
  const wf = createMemoryWorkflow({
    backend: createInMemoryBackend({ clock }),
    clock,
    logger: { warn: (message) => warnings.push(message) },
  });
  return { wf, warnings };
}

describe("the deep layer's default query", () => {
  it("loads by importance and recency when the title and messages hold no meaningful term", async () => {
    const { wf, warnings } = setup();
    await wf.memory.sessions.create({ id: S, title: "On it" });
    await wf.memory.memories.create({ content: "Work on the login page", importance: 0.2 });
    await wf.memory.memories.create({ content: "Pool Redis connections per process", importance: 0.95 });
    const loaded = await wf.loadWorkflowContext(ctx, { stage: "plan", mode: "standard" });
    expect(loaded.memory.layers.deep.map((h) => h.memory.content)).toEqual([
      "Pool Redis connections per process",
      "Work on the login page",
    ]);
    expect(warnings).toEqual([]);
  });

  it("matches the title's words in other forms, and never on its stop words alone", async () => {
    const { wf } = setup();
    await wf.memory.sessions.create({ id: S, title: "Work on pooling for the Redis clients" });
    await wf.memory.memories.create({ content: "Pool Redis connections per process", importance: 0.95 });
    await wf.memory.memories.create({
      content: "Meeting notes on the roadmap for a quarter",
      importance: 0.9,
    });
    const loaded = await wf.loadWorkflowContext(ctx, { stage: "plan", mode: "standard" });
    const deep = loaded.memory.layers.deep;
    expect(deep.map((h) => h.memory.content)).toEqual(["Pool Redis connections per process"]);
    expect(deep[0]!.matched).toEqual(["pool", "redi"]);
  });

  it("ranks the session's own memories above others that match as well", async () => {
    const { wf } = setup();
    await wf.memory.sessions.create({ id: S, title: "Redis performance" });
    const own = await wf.memory.memories.create({ content: "Redis performance: pool clients", sessionId: S });
    await wf.memory.memories.create({ content: "Redis performance: pool clients", importance: 0.6 });
    const loaded = await wf.loadWorkflowContext(ctx, { stage: "plan", mode: "standard" });
    expect(loaded.memory.layers.deep[0]!.memory.id).toBe(own.id);
  });
});
