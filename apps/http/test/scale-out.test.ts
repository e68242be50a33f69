import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RedisServerHandle, redisServerOrSkip } from "@tta-dev/testkit/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTtaClient } from "../src/index.js";
import { type ServerProcess, startServerProcess } from "./process.js";

const S = "scale-out-2026-11-25";

describe("two tta-http processes on one Redis", () => {
  let redis: RedisServerHandle | undefined;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    redis = await redisServerOrSkip();
    if (!redis) return;
    const cwd = await mkdtemp(join(tmpdir(), "tta-scale-"));
    const env = { TTA_BACKEND: "redis", TTA_REDIS_URL: redis.url };
    servers.push(
      ...(await Promise.all([
        startServerProcess(["--port", "0"], { cwd, env }),
        startServerProcess(["--port", "0"], { cwd, env }),
      ])),
    );
  }, 90_000);

  afterAll(async () => {
    for (const s of servers) {
      s.child.kill("SIGTERM");
      await s.exited;
    }
    await redis?.stop();
  });

  it("serve interleaved appends to one session from many clients with gapless seqs", async (ctx) => {
    if (!redis) return ctx.skip("redis-server could not be started here");
    const clients = servers.map((s) => createTtaClient({ baseUrl: s.url }));
    await clients[0]!.call("session.create", { id: S });
    const perClient = 25;
    const workers = 8;
    const seqs = (
      await Promise.all(
        Array.from({ length: workers }, async (_, w) => {
          const got: number[] = [];
          for (let i = 0; i < perClient; i++) {
            const client = clients[(w + i) % clients.length]!;
            const m = await client.call("message.append", { sessionId: S, content: `w${w} i${i}` });
            got.push((m as { seq: number }).seq);
          }
          return got;
        }),
      )
    ).flat();
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: workers * perClient }, (_, i) => i + 1));
    const fromOther = await clients[1]!.call("message.list", { sessionId: S, last: 5 });
    expect(fromOther.items.map((m) => m.seq)).toEqual([196, 197, 198, 199, 200]);
  }, 120_000);
});
