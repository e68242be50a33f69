import {
  type BatchRead,
  cacheScope,
  groupsScope,
  memoriesScope,
  memoryChangesScope,
  messagesScope,
} from "@tta-dev/core";
import {
  type RedisClusterHandle,
  type RedisServerHandle,
  startRedisCluster,
  startRedisServer,
} from "@tta-dev/testkit/redis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBackend, type RedisBackend } from "../src/index.js";
import { type CountingProxy, startCountingProxy } from "../src/testing/counting-proxy.js";
import { uniqueNamespace } from "./helpers.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();

/** The reads a stage-aware context load needs (docs/domain.md#default-policy), as one batch. */
function contextLoadReads(ns: string, session: string, memoryIds: string[]): BatchRead[] {
  return [
    { op: "get", scope: { namespace: ns, collection: "sessions" }, key: session },
    { op: "readLog", scope: messagesScope(ns, session), options: { fromEnd: true, limit: 50 } },
    { op: "list", scope: cacheScope(ns, session), options: { limit: 50 } },
    { op: "logLength", scope: memoryChangesScope(ns) },
    { op: "list", scope: groupsScope(ns), options: { limit: 100 } },
    { op: "getMany", scope: memoriesScope(ns), keys: memoryIds },
  ];
}

async function seed(b: RedisBackend, ns: string, session: string): Promise<string[]> {
  await b.put({ namespace: ns, collection: "sessions" }, session, { id: session });
  await b.append(
    messagesScope(ns, session),
    Array.from({ length: 60 }, (_, i) => ({ value: { content: `m${i}` } })),
  );
  await b.put(cacheScope(ns, session), "k", { value: 1 }, { ttlMs: 60_000 });
  await b.append(memoryChangesScope(ns), [{ value: { id: "mem_1", op: "put" } }]);
  await b.put(groupsScope(ns), "g1", { id: "g1" });
  const ids = ["mem_1", "mem_2", "mem_3"];
  for (const id of ids) await b.put(memoriesScope(ns), id, { id });
  return ids;
}

async function trips(proxies: CountingProxy[], fn: () => Promise<unknown>): Promise<number> {
  for (const p of proxies) p.reset();
  await fn();
  return proxies.reduce((sum, p) => sum + p.roundTrips(), 0);
}

describe.runIf(enabled)("round trips on a single server (counted by a TCP proxy)", () => {
  let server: RedisServerHandle | null = null;
  let proxy: CountingProxy | null = null;
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it("costs 1 round trip per append (one item or a batch), put, get, list and readLog", async () => {
    server = await startRedisServer();
    proxy = await startCountingProxy(server.port);
    const b = createRedisBackend({ url: `redis://127.0.0.1:${proxy.port}` });
    await b.ping();
    const ns = uniqueNamespace("rt");
    const log = messagesScope(ns, "s");
    const p = [proxy];
    expect(await trips(p, () => b.append(log, [{ value: "first, EVAL on this socket" }]))).toBe(1);
    expect(await trips(p, () => b.append(log, [{ value: "x", idempotencyKey: "i" }]))).toBe(1);
    expect(
      await trips(p, () =>
        b.append(
          log,
          Array.from({ length: 500 }, (_, i) => ({ value: i })),
        ),
      ),
    ).toBe(1);
    expect(await trips(p, () => b.put(cacheScope(ns, "s"), "k", 1, { ttlMs: 1000, ifVersion: 0 }))).toBe(1);
    expect(await trips(p, () => b.get(cacheScope(ns, "s"), "k"))).toBe(1);
    expect(await trips(p, () => b.list(cacheScope(ns, "s")))).toBe(1);
    expect(await trips(p, () => b.readLog(log, { fromEnd: true, limit: 20 }))).toBe(1);
    await b.close();
  });

  it("loads a whole context (session, messages, cache, memory changes, groups, memories) in 1 round trip", async () => {
    const b = createRedisBackend({ url: `redis://127.0.0.1:${proxy!.port}` });
    const ns = uniqueNamespace("ctx");
    const ids = await seed(b, ns, "api-debug-2026-11-25");
    const n = await trips([proxy!], async () => {
      const [session, messages, cache, changes, groups, memories] = await b.batch(
        contextLoadReads(ns, "api-debug-2026-11-25", ids),
      );
      expect(session).toMatchObject({ key: "api-debug-2026-11-25" });
      expect((messages as unknown[]).length).toBe(50);
      expect((cache as { items: unknown[] }).items).toHaveLength(1);
      expect(changes).toBe(1);
      expect((groups as { items: unknown[] }).items).toHaveLength(1);
      expect(memories).toHaveLength(3);
    });
    expect(n).toBe(1);
    await b.close();
  });
});

describe.runIf(enabled)("round trips on a 3-master cluster (one counting proxy per node)", () => {
  let cluster: RedisClusterHandle | null = null;
  const proxies: CountingProxy[] = [];
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await cluster?.stop();
  });

  it("costs 1 round trip per append and at most one pipeline per master for a context load", async () => {
    cluster = await startRedisCluster(3);
    const natMap: Record<string, { host: string; port: number }> = {};
    for (const node of cluster.nodes) {
      const proxy = await startCountingProxy(node.port);
      proxies.push(proxy);
      natMap[`${node.host}:${node.port}`] = { host: "127.0.0.1", port: proxy.port };
    }
    const b = createRedisBackend({
      cluster: {
        nodes: [natMap[`127.0.0.1:${cluster.nodes[0]!.port}`]!],
        options: { natMap, slotsRefreshInterval: 60_000 },
      },
    });
    const ns = uniqueNamespace("crt");
    const ids = await seed(b, ns, "api-debug-2026-11-25");
    expect(
      await trips(proxies, () => b.append(messagesScope(ns, "api-debug-2026-11-25"), [{ value: "x" }])),
    ).toBe(1);
    const n = await trips(proxies, async () => {
      const results = await b.batch(contextLoadReads(ns, "api-debug-2026-11-25", ids));
      expect(results).toHaveLength(6);
    });
    expect(n).toBeLessThanOrEqual(3);
    await b.close();
  });
});
