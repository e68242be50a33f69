import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type RedisServerHandle, redisServerOrSkip } from "@tta-dev/testkit/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "./process.js";
import { rawRequest, workspaceWith } from "./raw.js";

/*
 * A backend error answered over HTTP names no server path, address or key: files are named
 * relative to the data directory, and the server log keeps the whole error with the request id.
 */

async function stop(server: ServerProcess | undefined) {
  if (!server || server.child.exitCode !== null) return;
  server.child.kill("SIGKILL");
  await server.exited;
}

/** The log line of one request id that carries the full error. */
function errorLine(log: string, requestId: string): Record<string, unknown> | undefined {
  return log
    .split("\n")
    .filter((l) => l.includes(requestId) && l.includes('"err"'))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return []; // a line still being written
      }
    })[0];
}

describe("redacted backend errors over HTTP (real process)", () => {
  let cwd: string;
  let server: ServerProcess;

  beforeAll(async () => {
    cwd = await workspaceWith("backend: file\n");
    await writeFile(join(cwd, ".tta", "session_groups.json"), "garbage, not JSON\n");
    server = await startServerProcess(["--port", "0"], { cwd });
  }, 60_000);
  afterAll(() => stop(server));

  it("names a corrupt file relative to the data directory and logs the full path", async () => {
    const r = await rawRequest(server.url, "GET", "/v1/groups", {
      headers: { "x-request-id": "corrupt-groups-1" },
    });
    expect(r.status).toBe(500);
    expect(r.json.error.code).toBe("BACKEND_CORRUPT");
    expect(r.json.error.details.file).toBe("session_groups.json");
    expect(r.json.error.message).toContain("Corrupt data in session_groups.json");
    expect(r.text).not.toContain(cwd);
    // No absolute path of any kind: a quote or a space followed by a slash.
    expect(r.text).not.toMatch(/["\s(]\/[A-Za-z]/);
    const logged = errorLine(
      await server.waitForOutput((out) => errorLine(out, "corrupt-groups-1") !== undefined),
      "corrupt-groups-1",
    );
    expect(logged).toMatchObject({
      requestId: "corrupt-groups-1",
      op: "group.list",
      err: { code: "BACKEND_CORRUPT", details: { file: join(cwd, ".tta", "session_groups.json") } },
    });
    // A write meets the same file, with the same answer.
    const write = await rawRequest(server.url, "POST", "/v1/groups", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "feature-x" }),
    });
    expect(write.status).toBe(500);
    expect(write.text).not.toContain(cwd);
  });
});

describe("redacted Redis errors over HTTP (real process)", () => {
  let redis: RedisServerHandle | undefined;
  let server: ServerProcess | undefined;
  let port = "";

  beforeAll(async () => {
    redis = await redisServerOrSkip();
    if (!redis) return;
    // A port that was Redis's a moment ago and is closed now.
    port = new URL(redis.url).port;
    await redis.stop();
    const cwd = await workspaceWith("backend: redis\n");
    server = await startServerProcess(["--port", "0"], {
      cwd,
      env: { TTA_REDIS_URL: redis.url, TTA_REDIS_COMMAND_TIMEOUT_MS: "500" },
    });
  }, 60_000);
  afterAll(async () => {
    await stop(server);
  });

  it("answers 503 BACKEND_UNAVAILABLE without the address or key names, and logs them", async (ctx) => {
    if (!redis || !server) return ctx.skip("redis-server could not be started here");
    const reads = [
      ["GET", "/v1/sessions", undefined],
      ["POST", "/v1/sessions", JSON.stringify({ id: "redis-gone-2026-11-25" })],
      ["GET", "/readyz", undefined],
    ] as const;
    for (const [i, [method, path, body]] of reads.entries()) {
      const r = await rawRequest(server.url, method, path, {
        headers: { "x-request-id": `redis-gone-${i}`, "content-type": "application/json" },
        ...(body ? { body } : {}),
      });
      expect(r.status, path).toBe(503);
      expect(r.json.error.code).toBe("BACKEND_UNAVAILABLE");
      for (const secret of [port, "127.0.0.1", "redis://", "tta:{", "default}", "ECONNREFUSED 1"]) {
        expect(r.text, `${path}: ${secret}`).not.toContain(secret);
      }
      expect(r.json.error.details).not.toHaveProperty("place");
      expect(r.json.error.details).toMatchObject({ backend: "redis" });
    }
    const logged = errorLine(
      await server.waitForOutput((out) => errorLine(out, "redis-gone-0") !== undefined),
      "redis-gone-0",
    );
    expect(JSON.stringify(logged)).toContain(`127.0.0.1:${port}`);
    expect(JSON.stringify(logged)).toContain("tta:{default}");
  }, 30_000);
});
