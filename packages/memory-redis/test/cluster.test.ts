import { setTimeout as sleep } from "node:timers/promises";
import { memoriesScope, memoryChangesScope, messagesScope, type Scope } from "@tta-dev/core";
import { type RedisClusterHandle, startRedisCluster } from "@tta-dev/testkit/redis";
import { Cluster } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBackend, type RedisBackend } from "../src/index.js";
import { keySlot } from "../src/slot.js";
import { failsWith, uniqueNamespace } from "./helpers.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();
const cluster: RedisClusterHandle | null = enabled ? await startRedisCluster(3) : null;
afterAll(async () => {
  await cluster?.stop();
});
const BOUND = 500;
const SLACK = 700;

describe.runIf(enabled)("on a 3-master Redis Cluster", () => {
  const nodes = cluster?.nodes ?? [];

  it("computes the same slots as the servers", async () => {
    const client = new Cluster(nodes);
    const keys = ["foo", "tta:{acme}:sessions:idx", "tta:{a%3Ab:s}:messages:log", "{}", "x{}{y}", "é{ü}"];
    for (const k of keys) expect(keySlot(k), k).toBe(await client.cluster("KEYSLOT", k));
    await client.quit();
  });

  it("keeps every key of one scope in one slot and spreads namespaces over the masters", async () => {
    const b = createRedisBackend({ cluster: { nodes } });
    const slotsUsed = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const ns = uniqueNamespace(`spread${i}`);
      const s: Scope = { namespace: ns, collection: "cache", partition: "sess-x-2026-11-25" };
      await b.put(s, "a", 1, { ttlMs: 60_000 });
      await b.append(s, [{ value: 1, idempotencyKey: "i" }]);
      const keys = await b.rawKeys(ns);
      expect(keys).toHaveLength(4);
      const slots = new Set(keys.map(keySlot));
      expect(slots.size).toBe(1);
      slotsUsed.add([...slots][0]!);
    }
    expect(slotsUsed.size).toBeGreaterThan(1);
    await b.close();
  });

  it("reads its writes from any instance: a memory and its change entry are visible elsewhere at once", async () => {
    const writer = createRedisBackend({ cluster: { nodes } });
    const reader = createRedisBackend({ cluster: { nodes } });
    const ns = uniqueNamespace("ryw");
    const before = await reader.logLength(memoryChangesScope(ns));
    for (let i = 0; i < 20; i++) {
      const id = `mem_${i}`;
      await writer.put(memoriesScope(ns), id, { id, content: `lesson ${i}` });
      await writer.append(memoryChangesScope(ns), [{ value: { id, op: "put" } }]);
      const [changes, memories] = await reader.batch([
        { op: "readLog", scope: memoryChangesScope(ns), options: { afterSeq: before + i } },
        { op: "getMany", scope: memoriesScope(ns), keys: [id] },
      ]);
      expect(changes).toEqual([{ seq: before + i + 1, value: { id, op: "put" } }]);
      expect((memories as { value: unknown }[])[0]?.value).toEqual({ id, content: `lesson ${i}` });
    }
    await writer.close();
    await reader.close();
  });

  it("serves an injected Cluster client and leaves it open", async () => {
    const client = new Cluster(nodes);
    const b = createRedisBackend({ redis: client });
    const log = messagesScope(uniqueNamespace("inj"), "s");
    await b.append(log, [{ value: 1 }, { value: 2 }]);
    expect(await b.logLength(log)).toBe(2);
    await b.close();
    expect(client.status).toBe("ready");
    await client.quit();
  });

  it("fails within the bound while a master is down and recovers when it is back", async () => {
    const b: RedisBackend = createRedisBackend({ cluster: { nodes }, commandTimeoutMs: BOUND });
    const victim = cluster!.servers[0]!;
    const owned = await scopeOn(b, victim.port);
    await b.append(owned, [{ value: "before" }]);
    await victim.kill();
    for (let i = 0; i < 3; i++) {
      const ms = await failsWith("BACKEND_UNAVAILABLE", () => b.append(owned, [{ value: "lost" }]));
      expect(ms).toBeLessThan(BOUND + SLACK);
    }
    await victim.restart();
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        await b.append(owned, [{ value: "after" }]);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await sleep(100);
      }
    }
    expect((await b.readLog(owned)).map((e) => e.value)).toContain("after");
    await b.close();
  }, 60_000);
});

/** A log scope whose slot is served by the master on `port`. */
async function scopeOn(b: RedisBackend, port: number): Promise<Scope> {
  const client = b.client as Cluster;
  await b.ping();
  for (let i = 0; ; i++) {
    const s = messagesScope(uniqueNamespace(`victim${i}`), "s");
    const slot = keySlot(`tta:{${s.namespace}:s}:messages:log`);
    if (client.slots[slot]?.[0] === `127.0.0.1:${port}`) return s;
  }
}
