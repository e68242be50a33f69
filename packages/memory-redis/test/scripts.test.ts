import { messagesScope } from "@tta-dev/core";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBackend } from "../src/index.js";
import { uniqueNamespace } from "./helpers.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();
const server: RedisServerHandle | null = enabled ? await startRedisServer() : null;
afterAll(async () => {
  await server?.stop();
});

describe.runIf(enabled)("Lua scripts", () => {
  it("survive SCRIPT FLUSH (NOSCRIPT falls back to EVAL), alone and inside a batch pipeline", async () => {
    const raw = new Redis(server!.url);
    const b = createRedisBackend({ url: server!.url });
    const s = messagesScope(uniqueNamespace("noscript"), "s");
    await b.append(s, [{ value: 1 }]);
    await raw.script("FLUSH");
    const [entry] = await b.append(s, [{ value: 2 }]);
    expect(entry?.seq).toBe(2);
    await raw.script("FLUSH");
    const [log, page] = await b.batch([
      { op: "readLog", scope: s },
      { op: "list", scope: s },
    ]);
    expect((log as { value: unknown }[]).map((e) => e.value)).toEqual([1, 2]);
    expect(page).toEqual({ items: [], nextCursor: null });
    const stats = await raw.info("commandstats");
    expect(stats).toMatch(/cmdstat_evalsha:calls=\d+,.*failed_calls=[1-9]/);
    await raw.quit();
    await b.close();
  });

  it("are not used for a log's newest entries or its length: a batch of those is one MULTI of plain commands", async () => {
    const raw = new Redis(server!.url);
    const b = createRedisBackend({ url: server!.url });
    const ns = uniqueNamespace("plain");
    const s = messagesScope(ns, "s");
    const records = { namespace: ns, collection: "sessions" };
    await b.put(records, "s", { status: "active" });
    await b.append(s, [{ value: 1 }, { value: 2 }, { value: 3 }]);
    // The slow log, with every command logged, lists what clients sent (a script's own: "?:0").
    await raw.config("SET", "slowlog-log-slower-than", "0");
    const sent = async (fn: () => Promise<unknown>): Promise<string[]> => {
      await raw.slowlog("RESET");
      await fn();
      const log = (await raw.slowlog("GET", 100)) as [number, number, number, string[], string][];
      return log
        .filter((entry) => entry[4] !== "?:0")
        .map((entry) => entry[3][0]!.toLowerCase())
        .filter((name) => name !== "slowlog")
        .reverse();
    };
    let results: unknown[] = [];
    const names = await sent(async () => {
      results = await b.batch([
        { op: "get", scope: records, key: "s" },
        { op: "readLog", scope: s, options: { fromEnd: true, limit: 2 } },
        { op: "logLength", scope: s },
        { op: "get", scope: records, key: "none" },
      ]);
    });
    // (EXEC itself is not in the slow log; its commands are, after MULTI.) The GET beside each LLEN
    // reads how many entries a trim removed.
    expect(names).toEqual(["multi", "get", "llen", "get", "lrange", "llen", "get", "get"]);
    const [record, tail, length, missing] = results;
    expect((record as { value: unknown }).value).toEqual({ status: "active" });
    const seqs = (entries: unknown) =>
      (entries as { seq: number; value: unknown }[]).map((e) => [e.seq, e.value]);
    expect(seqs(tail)).toEqual([
      [2, 2],
      [3, 3],
    ]);
    expect(length).toBe(3);
    expect(missing).toBeNull();
    // Alone: the newest entries are one MULTI; any other range is the script, which places it past
    // the trimmed entries.
    expect(await sent(() => b.readLog(s, { fromEnd: true, limit: 2, afterSeq: 2 }))).toEqual([
      "multi",
      "llen",
      "get",
      "lrange",
    ]);
    expect(seqs(await b.readLog(s, { fromEnd: true, limit: 2, afterSeq: 2 }))).toEqual([[3, 3]]);
    // (The first call of a script on a connection is EVAL; EVALSHA after.)
    expect(await sent(() => b.readLog(s, { afterSeq: 0, limit: 10 }))).toEqual(["eval"]);
    expect(await sent(() => b.readLog(s, { afterSeq: 1, limit: 1 }))).toEqual(["evalsha"]);
    expect(seqs(await b.readLog(s, { afterSeq: 1, limit: 1 }))).toEqual([[2, 2]]);
    expect(await sent(() => b.readLog(s, { fromEnd: true, beforeSeq: 3 }))).toEqual(["evalsha"]);
    expect(seqs(await b.readLog(s, { fromEnd: true, beforeSeq: 3, limit: 1 }))).toEqual([[2, 2]]);
    expect(await sent(() => b.readLog(s, { afterSeq: 1, beforeSeq: 2 }))).toEqual([]);
    await raw.quit();
    await b.close();
  });
});
