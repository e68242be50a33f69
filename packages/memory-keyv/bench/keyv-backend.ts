import KeyvRedis from "@keyv/redis";
import type { Scope } from "@tta-dev/core";
import { testRedis } from "@tta-dev/testkit/redis";
import { Keyv } from "keyv";
import { Bench } from "tinybench";
import { createKeyvBackend } from "../src/index.js";
import { dropTable, freshTable, postgresKeyv, probePostgres } from "../test/postgres.js";

/**
 * The backend's common operations beside raw Keyv get/set/getMany on the same store, in one run.
 * Run: pnpm --filter @tta-dev/memory-keyv bench
 */

const message = { role: "user", text: "x".repeat(1000) }; // about 1 KiB as JSON
const rawValue = JSON.stringify(message);
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

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

  const tasks: [string, () => Promise<void>][] = [
    [
      "raw keyv.get",
      async () => {
        await raw.get("raw-0");
      },
    ],
    [
      "raw keyv.set",
      async () => {
        await raw.set(`raw-set-${rawN++ % 1000}`, rawValue);
      },
    ],
    [
      "raw keyv.getMany 50",
      async () => {
        await raw.getMany(rawKeys.slice(0, 50));
      },
    ],
    [
      "raw keyv.getMany 100",
      async () => {
        await raw.getMany(rawKeys);
      },
    ],
    [
      "get",
      async () => {
        await backend.get(records, "hot");
      },
    ],
    [
      "put",
      async () => {
        await backend.put(records, "hot", message);
        version += 1;
      },
    ],
    [
      "put ifVersion",
      async () => {
        await backend.put(records, "hot", message, { ifVersion: version });
        version += 1;
      },
    ],
    [
      "append 1 message",
      async () => {
        await backend.append(appendLog, [{ value: message }]);
      },
    ],
    [
      "readLog last 50 of 10 000",
      async () => {
        await backend.readLog(readLog, { fromEnd: true, limit: 50 });
      },
    ],
    [
      "list 100 of 1 000",
      async () => {
        await backend.list(listScope, { limit: 100 });
      },
    ],
  ];
  // Several rounds, each task's median taken per round, then the median of those: a shared
  // machine's slow phases then hit one round of a task rather than all of its samples.
  const perRound = new Map<string, number[]>();
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TIME_MS, warmupTime: 100 });
    for (const [name, fn] of tasks) bench.add(name, fn);
    await bench.run();
    for (const [name] of tasks) {
      const result = bench.getTask(name)?.result;
      if (!result || !("latency" in result)) throw new Error(`${name} did not complete`);
      perRound.set(name, [...(perRound.get(name) ?? []), result.latency.p50 * 1000]);
    }
  }
  const median = (name: string): number => {
    const values = [...(perRound.get(name) ?? [])].sort((a, b) => a - b);
    return values[values.length >> 1]!;
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

  const redis = await testRedis();
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
    `Node ${process.version}, ${ROUNDS} rounds of ${TIME_MS} ms per task, median of the rounds' medians in µs, 1 KiB values`,
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
