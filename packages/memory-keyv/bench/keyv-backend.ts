import KeyvRedis from "@keyv/redis";
import type { Scope } from "@tta-dev/core";
import { Keyv } from "keyv";
import { Bench } from "tinybench";
import { createKeyvBackend } from "../src/index.js";
import { dropTable, freshTable, postgresKeyv, probePostgres } from "../test/postgres.js";
import { startRedisServer } from "../test/redis-server.js";

/**
 * The backend's common operations beside raw Keyv get/set/getMany on the same store, in one run.
 * Run: pnpm --filter @tta-dev/memory-keyv bench
 */

const message = { role: "user", text: "x".repeat(1000) }; // about 1 KiB as JSON
const rawValue = JSON.stringify(message);
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 400);

interface Row {
  store: string;
  op: string;
  median: number;
  floorOp: string;
  floor: number;
}

async function measure(store: string, makeKeyv: () => Keyv): Promise<Row[]> {
  const keyv = makeKeyv();
  const raw = makeKeyv();
  const backend = createKeyvBackend({ keyv });
  const ns = `bench-${Date.now().toString(36)}`;
  const records: Scope = { namespace: ns, collection: "things" };
  const listScope: Scope = { namespace: ns, collection: "listed" };
  const appendLog: Scope = { namespace: ns, collection: "events", partition: "append" };
  const readLog: Scope = { namespace: ns, collection: "events", partition: "read" };

  await backend.put(records, "hot", message);
  for (let i = 0; i < 1000; i++) await backend.put(listScope, `k${String(i).padStart(4, "0")}`, message);
  for (let i = 0; i < 10; i++)
    await backend.append(
      readLog,
      Array.from({ length: 1000 }, () => ({ value: message })),
    );
  const rawKeys = Array.from({ length: 100 }, (_, i) => `raw-${i}`);
  await raw.setMany(rawKeys.map((key) => ({ key, value: rawValue })));
  let version = (await backend.get(records, "hot"))!.version;
  let rawN = 0;

  const bench = new Bench({ time: TIME_MS, warmupTime: 100 });
  bench
    .add("raw keyv.get", async () => {
      await raw.get("raw-0");
    })
    .add("raw keyv.set", async () => {
      await raw.set(`raw-set-${rawN++ % 1000}`, rawValue);
    })
    .add("raw keyv.getMany 50", async () => {
      await raw.getMany(rawKeys.slice(0, 50));
    })
    .add("raw keyv.getMany 100", async () => {
      await raw.getMany(rawKeys);
    })
    .add("get", async () => {
      await backend.get(records, "hot");
    })
    .add("put", async () => {
      await backend.put(records, "hot", message);
      version += 1;
    })
    .add("put ifVersion", async () => {
      await backend.put(records, "hot", message, { ifVersion: version });
      version += 1;
    })
    .add("append 1 message", async () => {
      await backend.append(appendLog, [{ value: message }]);
    })
    .add("readLog last 50 of 10 000", async () => {
      await backend.readLog(readLog, { fromEnd: true, limit: 50 });
    })
    .add("list 100 of 1 000", async () => {
      await backend.list(listScope, { limit: 100 });
    });
  await bench.run();

  const median = (name: string): number => {
    const task = bench.getTask(name);
    const result = task?.result;
    if (!result || !("latency" in result)) throw new Error(`${name} did not complete`);
    return result.latency.p50 * 1000;
  };
  const pairs: [string, string][] = [
    ["get", "raw keyv.get"],
    ["put", "raw keyv.set"],
    ["put ifVersion", "raw keyv.set"],
    ["append 1 message", "raw keyv.set"],
    ["readLog last 50 of 10 000", "raw keyv.getMany 50"],
    ["list 100 of 1 000", "raw keyv.getMany 100"],
  ];
  const rows = pairs.map(([op, floorOp]) => ({
    store,
    op,
    median: median(op),
    floorOp,
    floor: median(floorOp),
  }));
  await backend.clear(records);
  await backend.clear(listScope);
  await backend.deleteLog(appendLog);
  await backend.deleteLog(readLog);
  await backend.close();
  return rows;
}

const fmt = (us: number) => (us < 10 ? us.toFixed(2) : us < 100 ? us.toFixed(1) : us.toFixed(0));

async function main(): Promise<void> {
  const rows: Row[] = [];
  rows.push(...(await measure("Map", () => new Keyv())));

  const redis = await startRedisServer();
  try {
    const keyvs: Keyv[] = [];
    rows.push(
      ...(await measure("Redis", () => {
        const k = new Keyv({ store: new KeyvRedis(redis.url), namespace: "bench" });
        keyvs.push(k);
        return k;
      })),
    );
    for (const k of keyvs) await k.disconnect();
  } finally {
    await redis.stop();
  }

  const table = freshTable();
  const missing = await probePostgres(table);
  if (missing) {
    process.stdout.write(`PostgreSQL skipped: ${missing}\n`);
  } else {
    try {
      const keyvs: Keyv[] = [];
      rows.push(
        ...(await measure("PostgreSQL, async commit", () => {
          const k = postgresKeyv(table, { asyncCommit: true });
          keyvs.push(k);
          return k;
        })),
      );
      await keyvs[0]?.disconnect();
    } finally {
      await dropTable(table);
    }
  }

  const lines = [
    `Node ${process.version}, ${TIME_MS} ms per task, medians in µs, 1 KiB values`,
    "",
    "| store | operation | median µs | floor (same run) | floor µs | ratio |",
    "|---|---|---:|---|---:|---:|",
    ...rows.map(
      (r) =>
        `| ${r.store} | ${r.op} | ${fmt(r.median)} | ${r.floorOp} | ${fmt(r.floor)} | ${(r.median / r.floor).toFixed(1)}× |`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

await main();
