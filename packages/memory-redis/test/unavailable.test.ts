import { setTimeout as sleep } from "node:timers/promises";
import type { Scope } from "@tta-dev/core";
import { freePort } from "@tta-dev/testkit/node";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBackend, type RedisBackend } from "../src/index.js";
import { failsWith, uniqueNamespace } from "./helpers.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();
const BOUND = 400;
// Slack for a busy 2-core machine: the bound is what the backend promises, the slack is ours.
const SLACK = 600;

const records = (ns: string): Scope => ({ namespace: ns, collection: "things" });
const log = (ns: string): Scope => ({ namespace: ns, collection: "events", partition: "p" });

/** Every operation of the port once, against scopes of `ns`. */
function everyCall(b: RedisBackend, ns: string): [string, () => Promise<unknown>][] {
  return [
    ["get", () => b.get(records(ns), "k")],
    ["getMany", () => b.getMany(records(ns), ["k", "l"])],
    ["put", () => b.put(records(ns), "k", 1)],
    ["delete", () => b.delete(records(ns), "k")],
    ["list", () => b.list(records(ns))],
    ["clear", () => b.clear(records(ns))],
    ["append", () => b.append(log(ns), [{ value: 1 }])],
    ["readLog", () => b.readLog(log(ns))],
    ["logLength", () => b.logLength(log(ns))],
    ["deleteLog", () => b.deleteLog(log(ns))],
    ["batch", () => b.batch([{ op: "logLength", scope: log(ns) }])],
    ["ping", () => b.ping()],
  ];
}

describe.runIf(enabled)("when Redis is unreachable", () => {
  const servers: RedisServerHandle[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("fails every call with BACKEND_UNAVAILABLE within the bound when nothing listens", async () => {
    const port = await freePort();
    const b = createRedisBackend({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: BOUND });
    for (const [name, call] of everyCall(b, uniqueNamespace("down"))) {
      const ms = await failsWith("BACKEND_UNAVAILABLE", call);
      expect(ms, name).toBeLessThan(BOUND + SLACK);
    }
    await b.close();
  });

  it("fails within the bound when the server hangs (SIGSTOP), and recovers on SIGCONT", async () => {
    const server = await startRedisServer();
    servers.push(server);
    const b = createRedisBackend({ url: server.url, commandTimeoutMs: BOUND });
    const ns = uniqueNamespace("hang");
    await b.put(records(ns), "k", 1);
    const pid = server.pid!;
    process.kill(pid, "SIGSTOP");
    try {
      const results = await Promise.all(
        everyCall(b, ns).map(
          async ([name, call]) => [name, await failsWith("BACKEND_UNAVAILABLE", call)] as const,
        ),
      );
      for (const [name, ms] of results) expect(ms, name).toBeLessThan(BOUND + SLACK);
    } finally {
      process.kill(pid, "SIGCONT");
    }
    await waitUntilWorks(b, ns);
    // Commands that timed out were already on the wire: their outcome is unknown (the server ran
    // them after SIGCONT). What counts is that the same object works again.
    await b.put(records(ns), "k", 2);
    expect((await b.get(records(ns), "k"))?.value).toBe(2);
    await b.close();
  });

  it("fails fast while the server is dead and the same object works again after a restart", async () => {
    const server = await startRedisServer({ appendonly: true });
    servers.push(server);
    const b = createRedisBackend({ url: server.url, commandTimeoutMs: BOUND });
    const ns = uniqueNamespace("restart");
    await b.append(log(ns), [{ value: "before" }]);
    await server.kill();
    for (const [name, call] of everyCall(b, ns)) {
      const ms = await failsWith("BACKEND_UNAVAILABLE", call);
      expect(ms, name).toBeLessThan(BOUND + SLACK);
    }
    await server.restart();
    await waitUntilWorks(b, ns);
    const [entry] = await b.append(log(ns), [{ value: "after" }]);
    expect(entry?.seq).toBe(2);
    expect((await b.readLog(log(ns))).map((e) => e.value)).toEqual(["before", "after"]);
    await b.close();
  });

  it("a closed backend fails BACKEND_UNAVAILABLE at once", async () => {
    const b = createRedisBackend({ url: "redis://127.0.0.1:1", commandTimeoutMs: BOUND });
    await b.close();
    expect(await failsWith("BACKEND_UNAVAILABLE", () => b.ping())).toBeLessThan(50);
  });
});

/** Retry a cheap call until it succeeds (reconnecting happens in the background). */
async function waitUntilWorks(b: RedisBackend, ns: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await b.logLength(log(ns));
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(50);
    }
  }
}
