import { fileURLToPath } from "node:url";
import { messagesScope, sessionsScope } from "@tta-dev/core";
import { spawnNode } from "@tta-dev/testkit/node";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBackend } from "../src/index.js";
import { uniqueNamespace } from "./helpers.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();
const worker = fileURLToPath(new URL("./append-worker.ts", import.meta.url));
const APPENDS = 3000;

describe.runIf(enabled)("reading a log's newest entries while another process appends", () => {
  let server: RedisServerHandle | null = null;
  afterAll(async () => {
    await server?.stop();
  });

  it("never pairs an entry with another's seq (the length and the range come from one moment)", async () => {
    server = await startRedisServer();
    const ns = uniqueNamespace("atomic");
    const backend = createRedisBackend({ url: server.url });
    const scope = messagesScope(ns, "log");
    await backend.put(sessionsScope(ns), "log", { status: "active" });
    const run = spawnNode([worker], {
      env: { ...process.env, TTA_REDIS_URL: server.url, TTA_NS: ns, TTA_APPENDS: String(APPENDS) },
      ipc: true,
    });
    const exited = run.exited.then((exit) => exit.code);
    let running = true;
    void exited.then(() => {
      running = false;
    });
    let reads = 0;
    const wrong: string[] = [];
    const check = (entries: { seq: number; value: unknown }[]) => {
      for (const e of entries) if (e.value !== e.seq) wrong.push(`seq ${e.seq} holds ${String(e.value)}`);
      reads += 1;
    };
    while (running) {
      check(await backend.readLog(scope, { fromEnd: true, limit: 3 }));
      const [, tail] = await backend.batch([
        { op: "get", scope: sessionsScope(ns), key: "log" },
        { op: "readLog", scope, options: { fromEnd: true, limit: 2, afterSeq: 1 } },
      ]);
      check(tail as { seq: number; value: unknown }[]);
    }
    expect(await exited, run.stderr()).toBe(0);
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(reads).toBeGreaterThan(50);
    check(await backend.readLog(scope, { fromEnd: true, limit: 10 }));
    expect((await backend.readLog(scope, { fromEnd: true, limit: 1 }))[0]?.seq).toBe(APPENDS);
    await backend.close();
  }, 60_000);
});
