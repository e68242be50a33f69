/**
 * `pnpm bench`: the Redis backend beside raw ioredis doing the minimal equivalent, in one run.
 * Uses `REDIS_URL` when set, else starts its own redis-server (no AOF) on a free port.
 *
 * - append one 1 KiB message: backend.append vs raw EVALSHA (INCR + RPUSH)
 * - batch append of 100 messages: backend.append vs a raw pipeline of 100 RPUSH
 * - cache get: backend.get vs raw GET of the same key
 */
import { cacheScope, messagesScope } from "@tta-dev/core";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { Redis } from "ioredis";
import { createRedisBackend } from "../src/index.js";
import { compare, rate, table, us } from "./measure.js";

const MESSAGE = {
  role: "user",
  content: "x".repeat(1024),
  metadata: {},
  createdAt: "2026-11-25T12:00:00.000Z",
};
const BATCH = 100;
const RAW_APPEND = `local s = redis.call('INCR', KEYS[2]) redis.call('RPUSH', KEYS[1], ARGV[1]) return s`;

async function main(): Promise<void> {
  const server: RedisServerHandle | null = process.env.REDIS_URL ? null : await startRedisServer();
  const url = process.env.REDIS_URL ?? server!.url;
  const raw = new Redis(url);
  raw.defineCommand("rawAppend", { numberOfKeys: 2, lua: RAW_APPEND });
  const rawAppend = (raw as unknown as { rawAppend(...a: string[]): Promise<number> }).rawAppend.bind(raw);
  const backend = createRedisBackend({ url });
  const ns = `bench-${Date.now().toString(36)}`;
  const log = messagesScope(ns, "bench-append-2026-11-25");
  const rawLog = `bench:{${ns}}:raw`;
  const json = JSON.stringify(MESSAGE);

  // The floor does the least that appending a JS message takes: JSON.stringify, then one EVALSHA
  // (INCR + RPUSH) or a pipeline of RPUSH. The pre-serialised column skips even the stringify.
  const [seqP, seqR, seqB] = await compare(5, 2000, [
    () => backend.append(log, [{ value: MESSAGE }]),
    () => rawAppend(rawLog, `${rawLog}:seq`, JSON.stringify(MESSAGE)),
    () => rawAppend(rawLog, `${rawLog}:seq`, json),
  ]);

  const items = Array.from({ length: BATCH }, () => ({ value: MESSAGE }));
  const rawBatch = (serialise: boolean) => () => {
    const p = raw.pipeline();
    for (let i = 0; i < BATCH; i++) p.rpush(rawLog, serialise ? JSON.stringify(MESSAGE) : json);
    return p.exec();
  };
  const [batchP, batchR, batchB] = await compare(5, 60, [
    () => backend.append(log, items),
    rawBatch(true),
    rawBatch(false),
  ]);

  const cache = cacheScope(ns, "bench-append-2026-11-25");
  const rec = await backend.put(
    cache,
    "key",
    { value: MESSAGE, createdAt: MESSAGE.createdAt },
    { ttlMs: 3_600_000 },
  );
  const cacheKey = `tta:{${ns}:bench-append-2026-11-25}:cache:r:key`;
  if ((await raw.get(cacheKey)) === null) throw new Error("bench: cache key layout changed");
  const [getP, getR] = await compare(5, 2000, [
    () => backend.get(cache, rec.key),
    async () => JSON.parse((await raw.get(cacheKey))!.replace(/^\d+:\d*:/, "")),
  ]);
  const pct = (floor: number, project: number): string => `${((floor / project) * 100).toFixed(0)} %`;

  const rows = [
    [
      "append 1 message, median",
      us(seqP.median),
      us(seqR.median),
      us(seqB.median),
      pct(seqR.median, seqP.median),
      "≤ 105 µs",
    ],
    ["append 1 message, p99", us(seqP.p99), us(seqR.p99), us(seqB.p99), "", ""],
    ["append 1 message, client CPU", us(seqP.cpu), us(seqR.cpu), us(seqB.cpu), "", ""],
    [
      "sequential appends",
      rate(1e6 / seqP.mean),
      rate(1e6 / seqR.mean),
      rate(1e6 / seqB.mean),
      pct(seqR.mean, seqP.mean),
      "≥ 70 % of raw",
    ],
    [
      `batch append (${BATCH} per call)`,
      rate((BATCH * 1e6) / batchP.mean),
      rate((BATCH * 1e6) / batchR.mean),
      rate((BATCH * 1e6) / batchB.mean),
      pct(batchR.mean, batchP.mean),
      "≥ 65 000/s, ≥ 50 % of raw",
    ],
    [`batch append, client CPU per call`, us(batchP.cpu), us(batchR.cpu), us(batchB.cpu), "", ""],
    ["cache get, median", us(getP.median), us(getR.median), "", pct(getR.median, getP.median), ""],
  ];
  const header = [
    "1 KiB messages",
    "memory-redis",
    "raw ioredis (floor)",
    "raw, pre-serialised",
    "project / floor",
    "target",
  ];
  process.stdout.write(
    `Redis ${(await raw.info("server")).match(/redis_version:(\S+)/)?.[1]}, Node ${process.version}\n`,
  );
  process.stdout.write(table(header, rows));

  await backend.deleteLog(log);
  await backend.clear(cache);
  await raw.del(rawLog, `${rawLog}:seq`);
  await backend.close();
  await raw.quit();
  await server?.stop();
}

await main();
