import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RedisServerHandle, redisServerOrSkip } from "@tta-dev/testkit/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "./process.js";

describe("tta-http readiness", () => {
  let redis: RedisServerHandle | undefined;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    redis = await redisServerOrSkip();
    if (!redis) return;
    const cwd = await mkdtemp(join(tmpdir(), "tta-readyz-"));
    server = await startServerProcess(["--port", "0"], {
      cwd,
      env: { TTA_BACKEND: "redis", TTA_REDIS_URL: redis.url, TTA_REDIS_COMMAND_TIMEOUT_MS: "500" },
    });
  }, 60_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill("SIGKILL");
      await server.exited;
    }
    await redis?.stop();
  });

  it("is ready while its store answers, 503 once it does not, and alive throughout", async (ctx) => {
    if (!redis || !server) return ctx.skip("redis-server could not be started here");
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    await redis.stop();
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("BACKEND_UNAVAILABLE");
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const list = await fetch(`${server.url}/v1/sessions`);
    expect(list.status).toBe(503);
  }, 30_000);

  it("still stops on SIGTERM with its store gone", async (ctx) => {
    if (!redis || !server) return ctx.skip("redis-server could not be started here");
    const started = Date.now();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
