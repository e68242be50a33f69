import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRedisBackend } from "@tta-dev/memory-redis";
import { type CountingProxy, startCountingProxy } from "@tta-dev/memory-redis/testing";
import { createPafSource } from "@tta-dev/paf";
import { type RedisServerHandle, redisServerOrSkip } from "@tta-dev/testkit/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMemoryWorkflow } from "../src/index.js";
import { PAFCORE } from "./scenario.js";

const S = "rt-load-2026-11-25";

describe("context load on Redis, round trips counted by a TCP proxy", () => {
  let redis: RedisServerHandle | undefined;
  let proxy: CountingProxy | undefined;
  beforeAll(async () => {
    redis = await redisServerOrSkip();
    if (!redis) return;
    proxy = await startCountingProxy(redis.port);
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await redis?.stop();
  });

  it("loads every layer (reflect, augster-rigorous) in at most 3 round trips", async (ctx) => {
    if (!redis || !proxy) return ctx.skip("redis-server could not be started here");
    const root = await mkdtemp(join(tmpdir(), "tta-rt-"));
    await writeFile(join(root, "PAFCORE.md"), PAFCORE);
    const namespace = `rt${Date.now().toString(36)}`;
    const backend = createRedisBackend({ url: `redis://127.0.0.1:${proxy.port}` });
    const other = createRedisBackend({ url: redis.url });
    const wf = createMemoryWorkflow({ backend, namespace, pafSource: createPafSource({ root }) });
    const peerWf = createMemoryWorkflow({ backend: other, namespace });
    await wf.memory.sessions.create({ id: S, title: "round trips", tags: ["rt"] });
    await wf.memory.messages.appendBatch({
      sessionId: S,
      messages: Array.from({ length: 80 }, (_, i) => ({ content: `message ${i} about redis` })),
    });
    await wf.memory.cache.set({ sessionId: S, key: "k", value: 1 });
    await wf.groups.createGroup({ name: "rt-group", tags: ["grp"] });
    await wf.groups.addSessionToGroup("rt-group", S);
    for (let i = 0; i < 3; i++) {
      const id = `peer${i}-rt-2026-11-25`;
      await wf.memory.sessions.create({ id });
      await wf.memory.messages.append({ sessionId: id, content: `peer ${i}` });
      await wf.groups.addSessionToGroup("rt-group", id);
    }
    for (let i = 0; i < 30; i++)
      await wf.memory.memories.create({ content: `redis lesson ${i}`, tags: ["rt"] });
    const ctxIn = { workflowId: "w", sessionId: S, metadata: {}, state: {} };
    await wf.loadWorkflowContext(ctxIn, { stage: "reflect", mode: "augster-rigorous" }); // warm: index built

    proxy.reset();
    const loaded = await wf.loadWorkflowContext(ctxIn, { stage: "reflect", mode: "augster-rigorous" });
    const warm = proxy.roundTrips();
    for (const layer of ["session", "cache", "deep", "pafs", "groups"] as const)
      expect(loaded.memory.layers[layer].length, layer).toBeGreaterThan(0);
    expect(warm).toBeLessThanOrEqual(3);

    // Another process writes a memory: the next load picks it up, still within 3 round trips.
    await peerWf.memory.memories.create({
      content: "redis lesson from elsewhere",
      tags: ["rt"],
      importance: 1,
      pinned: true,
    });
    proxy.reset();
    const after = await wf.loadWorkflowContext(ctxIn, { stage: "reflect", mode: "augster-rigorous" });
    expect(proxy.roundTrips()).toBeLessThanOrEqual(3);
    expect(after.memory.layers.deep[0]?.memory.content).toBe("redis lesson from elsewhere");
    await backend.close();
    await other.close();
  }, 60_000);
});
