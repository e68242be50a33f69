import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Handlers } from "@tta-dev/contract";
import { createManualClock, type ManualClock, type MemoryBackend } from "@tta-dev/core";
import { createFileBackend } from "@tta-dev/memory-file";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { createKeyvBackend } from "@tta-dev/memory-keyv";
import { createRedisBackend } from "@tta-dev/memory-redis";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import Keyv from "keyv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandlers } from "../src/index.js";
import { call, PAFCORE } from "./scenario.js";

const S = "user-prefs-feature-2025-10-28";
const PEER = "redis-integration-2025-10-15";

async function scenario(handlers: Handlers, clock: ManualClock): Promise<string[]> {
  const c = (name: Parameters<typeof call>[1], input: unknown) => {
    clock.advance(1000);
    return call(handlers, name, input);
  };
  await c("session.create", { id: S, title: "User preferences with Redis caching", tags: ["redis"] });
  await c("session.create", { id: PEER, title: "Redis integration" });
  await c("group.create", { name: "user-preferences-system", tags: ["preferences"] });
  await c("group.addSession", { groupId: "user-preferences-system", sessionId: S });
  await c("group.addSession", { groupId: "user-preferences-system", sessionId: PEER });
  await c("message.append", { sessionId: PEER, content: "Pool of 10 connections per process" });
  for (let i = 0; i < 12; i++) {
    await c("message.append", {
      sessionId: S,
      role: i % 2 ? "assistant" : "user",
      content: `Step ${i}: ${"preferences redis cache ".repeat(i + 1)}`,
    });
  }
  await c("cache.set", {
    sessionId: S,
    key: "current-file",
    value: { path: "src/store.ts" },
    ttlMs: 3_600_000,
  });
  await c("cache.set", { sessionId: S, key: "draft", value: "x".repeat(500), ttlMs: 3_600_000 });
  const kinds = ["lesson", "decision", "failure", "pattern", "observation"] as const;
  for (let i = 0; i < 15; i++) {
    await c("memory.create", {
      content: `Memory ${i} about ${i % 3 ? "redis pooling" : "preference caching"} number ${i}`,
      kind: kinds[i % 5],
      tags: i % 2 ? ["redis"] : ["preferences"],
      importance: ((i * 7) % 10) / 10,
      pinned: i === 7,
    });
  }
  await c("memory.create", {
    content: "Pooled connections to Redis cut latency",
    kind: "lesson",
    tags: ["redis"],
  });
  await c("memory.create", { content: "Caches of user preferences expire after an hour", kind: "decision" });
  // The session's own lesson shares no word with its title or messages: it is still a candidate.
  await c("memory.create", {
    content: "Benchmark before tuning anything",
    kind: "lesson",
    importance: 0.95,
    sessionId: S,
  });
  // The same text again, with dedupe: the stored one comes back on every backend.
  const again = (await c("memory.create", {
    content: "benchmark, before tuning ANYTHING.",
    kind: "lesson",
    dedupe: true,
  })) as { content: string };
  const out: string[] = [];
  for (const stage of ["plan", "reflect"]) {
    for (const mode of ["rapid", "standard", "augster-rigorous"]) {
      const md = (await call(handlers, "context.load", {
        sessionId: S,
        stage,
        mode,
        format: "markdown",
        explain: true,
      })) as { rendered: string };
      const json = (await call(handlers, "context.load", { sessionId: S, stage, mode })) as {
        context: unknown;
      };
      out.push(md.rendered, JSON.stringify(json.context, null, 1));
    }
  }
  // Stemming, stop words and typos give the same hits, scores and matched terms on every backend.
  for (const query of [
    "pooling redis connection",
    "on the",
    "preferense caching",
    "expired caches of the users",
  ]) {
    const hits = await call(handlers, "memory.search", { query, limit: 10, explain: true });
    out.push(JSON.stringify(hits));
  }
  out.push(again.content);
  // No stage recorded yet: a load without one is refused; once recorded, it is the session's.
  const refused = await call(handlers, "context.load", { sessionId: S }).catch(
    (e: { code?: string }) => e.code,
  );
  out.push(String(refused));
  await c("session.setStage", { id: S, stage: "Implement" });
  const recorded = (await call(handlers, "context.load", { sessionId: S, format: "markdown" })) as {
    context: { stage: string };
    rendered: string;
  };
  out.push(recorded.context.stage, recorded.rendered);
  // Memory ids carry randomness; everything else must be identical.
  return out.map((s) => s.replace(/mem_[0-9A-HJKMNP-TV-Z]{26}/g, "mem_<id>"));
}

describe("the same scenario renders byte-identical context on every backend", () => {
  let redis: RedisServerHandle | undefined;
  const outputs = new Map<string, string[]>();
  const root = mkdtemp(join(tmpdir(), "tta-det-"));

  beforeAll(async () => {
    try {
      redis = await startRedisServer();
    } catch (e) {
      if (process.env.CI === "true") throw e;
    }
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
  });

  const backends: [string, (clock: ManualClock) => Promise<MemoryBackend>][] = [
    ["memory", async (clock) => createInMemoryBackend({ clock })],
    ["file", async (clock) => createFileBackend({ root: await mkdtemp(join(await root, "file-")), clock })],
    ["keyv", async (clock) => createKeyvBackend({ keyv: new Keyv(), clock })],
    [
      "redis",
      async (clock) => {
        if (!redis) throw new Error("no redis-server");
        return createRedisBackend({
          url: redis.url,
          clock,
          keyPrefix: `det${Math.random().toString(36).slice(2, 8)}`,
        });
      },
    ],
  ];

  for (const [name, make] of backends) {
    it(`${name}`, async (ctx) => {
      if (name === "redis" && !redis) return ctx.skip("redis-server could not be started here");
      const clock = createManualClock("2026-11-25T12:00:00.000Z");
      const backend = await make(clock);
      const dir = await mkdtemp(join(await root, "ws-"));
      const { writeFile } = await import("node:fs/promises");
      await writeFile(join(dir, "PAFCORE.md"), PAFCORE);
      const handlers = createHandlers({
        backend,
        root: dir,
        dataDir: join(dir, ".tta"),
        version: "test",
        clock,
      });
      try {
        outputs.set(name, await scenario(handlers, clock));
      } finally {
        await backend.close();
      }
      const reference = outputs.get("memory")!;
      expect(outputs.get(name)).toEqual(reference);
      if (name === "memory") await expect(reference[0]).toMatchFileSnapshot("__snapshots__/plan-rapid.md");
      // The stage recorded by session.setStage is the one a load without a stage gets, on every backend.
      expect(outputs.get(name)!.slice(-3, -1)).toEqual(["VALIDATION_FAILED", "implement"]);
      // dedupe returned the stored lesson; the session's own lesson, sharing no word with the default
      // query, was loaded in the reflect stage with its score's parts.
      expect(outputs.get(name)!.slice(-4, -3)).toEqual(["Benchmark before tuning anything"]);
      const reflect = outputs.get(name)!.find((o) => o.includes("stage: reflect · mode: standard"))!;
      expect(reflect).toContain("Benchmark before tuning anything");
      expect(reflect).toMatch(
        /deep mem_<id>: included, \d+ tokens, score [\d.]+ = text [\d.]+ × importance 1\.45 × recency [\d.]+ × boost 1\.2 \(session:user-prefs-feature-2025-10-28\)/,
      );
    }, 60_000);
  }
});
