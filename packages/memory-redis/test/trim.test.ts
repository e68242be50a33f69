import type { Scope } from "@tta-dev/core";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBackend } from "../src/index.js";
import { scopeKeys } from "../src/keys.js";
import { keySlot } from "../src/slot.js";
import { failsWith, uniqueNamespace } from "./helpers.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();
const server: RedisServerHandle | null = enabled ? await startRedisServer() : null;
afterAll(async () => {
  await server?.stop();
});

describe.runIf(enabled)("trimLog on Redis", () => {
  const url = server?.url ?? "";
  const setup = () => {
    const log: Scope = { namespace: uniqueNamespace("trim"), collection: "events", partition: "p" };
    return { log, raw: new Redis(url), backend: createRedisBackend({ url }), lk: scopeKeys(log, "tta") };
  };

  it("keeps the trimmed count beside the list in the same slot and drops the removed entries' idempotency keys", async () => {
    const { log, raw, backend, lk } = setup();
    expect(lk.trimmed).toBe(lk.log.replace(/:log$/, ":trim"));
    expect(keySlot(lk.trimmed)).toBe(keySlot(lk.log));
    await backend.append(
      log,
      Array.from({ length: 2500 }, (_, i) => ({
        value: i + 1,
        ...(i % 2 ? { idempotencyKey: `k${i + 1}` } : {}),
      })),
    );
    expect(await backend.trimLog(log, 2001)).toBe(2000);
    expect(await raw.llen(lk.log)).toBe(500);
    expect(await raw.get(lk.trimmed)).toBe("2000");
    expect(await raw.hlen(lk.idempotency)).toBe(250);
    expect(await raw.hget(lk.idempotency, "k2000")).toBeNull();
    expect(await raw.hget(lk.idempotency, "k2002")).toBe("2002");
    expect(await backend.trimLog(log, 9999)).toBe(500);
    // The list is gone with its last entry; the count alone keeps the log's length.
    expect(await raw.exists(lk.log)).toBe(0);
    expect(await backend.logLength(log)).toBe(2500);
    expect((await backend.append(log, [{ value: "next" }]))[0]?.seq).toBe(2501);
    expect((await backend.rawKeys(log.namespace)).sort()).toEqual([lk.log, lk.trimmed].sort());
    expect(await backend.deleteLog(log)).toBe(true);
    expect(await backend.rawKeys(log.namespace)).toEqual([]);
    await raw.quit();
    await backend.close();
  });

  it("reads a log written before trims existed (no count key) as untrimmed, and trims it", async () => {
    const { log, raw, backend, lk } = setup();
    await raw.rpush(lk.log, "[1]", '[2,"a"]', "[3]");
    await raw.hset(lk.idempotency, "a", "2");
    expect(await backend.logLength(log)).toBe(3);
    expect((await backend.append(log, [{ value: 9, idempotencyKey: "a" }]))[0]).toMatchObject({
      seq: 2,
      duplicate: true,
    });
    expect(await backend.trimLog(log, 3)).toBe(2);
    expect((await backend.readLog(log)).map((e) => e.seq)).toEqual([3]);
    expect((await backend.append(log, [{ value: 9, idempotencyKey: "a" }]))[0]).toMatchObject({
      seq: 4,
      duplicate: false,
    });
    await raw.quit();
    await backend.close();
  });

  it("a count that is not a number gives BACKEND_CORRUPT for appends, reads, the length and trims", async () => {
    const { log, raw, backend, lk } = setup();
    await backend.append(log, [{ value: 1 }, { value: 2 }]);
    await raw.set(lk.trimmed, "x");
    await failsWith("BACKEND_CORRUPT", () => backend.append(log, [{ value: 3 }]));
    await failsWith("BACKEND_CORRUPT", () => backend.readLog(log));
    await failsWith("BACKEND_CORRUPT", () => backend.readLog(log, { fromEnd: true, limit: 1 }));
    await failsWith("BACKEND_CORRUPT", () => backend.logLength(log));
    await failsWith("BACKEND_CORRUPT", () => backend.trimLog(log, 2));
    expect(await raw.llen(lk.log)).toBe(2);
    await raw.quit();
    await backend.close();
  });
});
