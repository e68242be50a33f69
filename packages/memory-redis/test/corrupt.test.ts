import { hasErrorCode, type Scope } from "@tta-dev/core";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBackend } from "../src/index.js";
import { scopeKeys } from "../src/keys.js";
import { failsWith, uniqueNamespace } from "./helpers.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();
const server: RedisServerHandle | null = enabled ? await startRedisServer() : null;
afterAll(async () => {
  await server?.stop();
});

describe.runIf(enabled)("bad data under the backend's keys", () => {
  const url = server?.url ?? "";
  const setup = () => {
    const ns = uniqueNamespace("corrupt");
    const records: Scope = { namespace: ns, collection: "things" };
    const log: Scope = { namespace: ns, collection: "events", partition: "p" };
    const raw = new Redis(url);
    const backend = createRedisBackend({ url });
    return { ns, records, log, raw, backend, rk: scopeKeys(records, "tta"), lk: scopeKeys(log, "tta") };
  };

  it("a hash where a record string belongs gives BACKEND_CORRUPT naming the key", async () => {
    const { records, raw, backend, rk } = setup();
    await raw.hset(`${rk.recordBase}k`, "f", "v");
    let err: unknown;
    await backend.get(records, "k").catch((e) => {
      err = e;
    });
    expect(hasErrorCode(err, "BACKEND_CORRUPT")).toBe(true);
    expect((err as Error).message).toContain(`${rk.recordBase}k`);
    await failsWith("BACKEND_CORRUPT", () => backend.put(records, "k", 1));
    await failsWith("BACKEND_CORRUPT", () => backend.delete(records, "k"));
    await failsWith("BACKEND_CORRUPT", () => backend.getMany(records, ["k"]).then((r) => r));
    await raw.quit();
    await backend.close();
  });

  it("a record without its header, or with broken JSON, gives BACKEND_CORRUPT on every read path", async () => {
    const { records, raw, backend, rk } = setup();
    await backend.put(records, "a", 1);
    await raw.set(`${rk.recordBase}k`, "not a record");
    await raw.zadd(rk.index, 0, "k");
    await failsWith("BACKEND_CORRUPT", () => backend.get(records, "k"));
    await failsWith("BACKEND_CORRUPT", () => backend.list(records));
    await failsWith("BACKEND_CORRUPT", () => backend.clear(records));
    await raw.set(`${rk.recordBase}k`, "1::{broken");
    await failsWith("BACKEND_CORRUPT", () => backend.get(records, "k"));
    await failsWith("BACKEND_CORRUPT", () => backend.batch([{ op: "get", scope: records, key: "k" }]));
    await raw.quit();
    await backend.close();
  });

  it("a bad key inside a batch read gives BACKEND_CORRUPT naming that key, whichever place it has", async () => {
    const { records, log, raw, backend, rk, lk } = setup();
    await backend.put(records, "a", 1);
    await backend.append(log, [{ value: "ok" }]);
    await raw.hset(`${rk.recordBase}k`, "f", "v");
    const reads = [
      { op: "get", scope: records, key: "a" },
      { op: "get", scope: records, key: "k" },
      { op: "readLog", scope: log },
    ] as const;
    for (const batch of [reads, [...reads].reverse()]) {
      const err = await backend.batch([...batch]).catch((e: unknown) => e);
      expect(hasErrorCode(err, "BACKEND_CORRUPT")).toBe(true);
      expect((err as Error).message).toContain(`${rk.recordBase}k`);
    }
    await raw.del(`${rk.recordBase}k`);
    await raw.set(lk.log, "x");
    const err = await backend
      .batch([
        { op: "get", scope: records, key: "a" },
        { op: "logLength", scope: log },
      ])
      .catch((e: unknown) => e);
    expect(hasErrorCode(err, "BACKEND_CORRUPT")).toBe(true);
    expect((err as Error).message).toContain(lk.log);
    await raw.quit();
    await backend.close();
  });

  it("a string where the index, the log or the idempotency hash belongs gives BACKEND_CORRUPT", async () => {
    const { records, log, raw, backend, rk, lk } = setup();
    await raw.set(rk.index, "x");
    await failsWith("BACKEND_CORRUPT", () => backend.put(records, "k", 1));
    await failsWith("BACKEND_CORRUPT", () => backend.list(records));
    await raw.set(lk.log, "x");
    await failsWith("BACKEND_CORRUPT", () => backend.append(log, [{ value: 1 }]));
    await failsWith("BACKEND_CORRUPT", () => backend.readLog(log));
    await failsWith("BACKEND_CORRUPT", () => backend.logLength(log));
    await raw.del(lk.log);
    await raw.set(lk.idempotency, "x");
    await failsWith("BACKEND_CORRUPT", () => backend.append(log, [{ value: 1, idempotencyKey: "i" }]));
    await raw.quit();
    await backend.close();
  });

  it("malformed log entries and dangling idempotency keys give BACKEND_CORRUPT", async () => {
    const { log, raw, backend, lk } = setup();
    await backend.append(log, [{ value: "ok" }]);
    await raw.rpush(lk.log, "{not an entry");
    await failsWith("BACKEND_CORRUPT", () => backend.readLog(log));
    await raw.hset(lk.idempotency, "ghost", "99");
    await failsWith("BACKEND_CORRUPT", () => backend.append(log, [{ value: 1, idempotencyKey: "ghost" }]));
    // Nothing was appended by the failed call.
    expect(await backend.logLength(log)).toBe(2);
    await raw.quit();
    await backend.close();
  });

  it("an index member that is not an encoded key gives BACKEND_CORRUPT", async () => {
    const { records, raw, backend, rk } = setup();
    await raw.set(`${rk.recordBase}%ZZ`, "1::1");
    await raw.zadd(rk.index, 0, "%ZZ");
    await failsWith("BACKEND_CORRUPT", () => backend.list(records));
    await raw.quit();
    await backend.close();
  });
});

describe.runIf(enabled)("client ownership", () => {
  const url = server?.url ?? "";

  it("never closes an injected client, and defines its scripts on it", async () => {
    const client = new Redis(url);
    const backend = createRedisBackend({ redis: client });
    const ns = uniqueNamespace("inject");
    await backend.append({ namespace: ns, collection: "events" }, [{ value: 1 }]);
    await backend.close();
    expect(client.status).toBe("ready");
    expect(await client.ping()).toBe("PONG");
    await failsWith("BACKEND_UNAVAILABLE", () => backend.ping());
    const second = createRedisBackend({ redis: client });
    await client.quit();
    // A backend over an injected client its owner has closed fails at once, not after the bound.
    expect(await failsWith("BACKEND_UNAVAILABLE", () => second.ping())).toBeLessThan(100);
  });

  it("connects lazily and closes what it opened", async () => {
    const backend = createRedisBackend({ url });
    expect(backend.client.status).toBe("wait");
    await backend.ping();
    expect(backend.client.status).toBe("ready");
    await backend.close();
    expect(["end", "close"]).toContain(backend.client.status);
  });

  it("refuses bad options with VALIDATION_FAILED", async () => {
    expect(() => createRedisBackend({ url, keyPrefix: "a{b}" })).toThrow(/keyPrefix/);
    expect(() => createRedisBackend({ url, commandTimeoutMs: 0 })).toThrow(/commandTimeoutMs/);
    expect(() => createRedisBackend({ url, redis: new Redis({ lazyConnect: true }) })).toThrow(/one of/);
  });

  it("keeps keys under another keyPrefix apart", async () => {
    const a = createRedisBackend({ url, keyPrefix: "app1" });
    const b = createRedisBackend({ url, keyPrefix: "app2" });
    const s = { namespace: uniqueNamespace("prefix"), collection: "things" };
    await a.put(s, "k", "a");
    expect(await b.get(s, "k")).toBeNull();
    expect(await a.rawKeys(s.namespace)).toEqual([
      `app1:{${s.namespace}}:things:idx`,
      `app1:{${s.namespace}}:things:r:k`,
    ]);
    await a.close();
    await b.close();
  });
});
