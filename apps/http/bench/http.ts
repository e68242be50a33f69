/**
 * Throughput and tail latency of tta-http under autocannon (32 connections, loopback), each beside
 * its floor in the same run: a bare Hono route returning a constant, in a process of its own.
 * Message append (1 KiB) and stage-context load (standard/plan) on the file and the Redis backend,
 * then message append on Redis with one server process and with two. Stops by itself.
 *
 * Run: pnpm --filter @tta-dev/http bench   (BENCH_SECONDS, default 5, sets each measured run)
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRedisServer } from "@tta-dev/testkit/redis";
import autocannon from "autocannon";
import { createTtaClient } from "../src/index.js";
import { type BenchServer, startBenchServer } from "./processes.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 32;
const APPEND_SESSION = "bench-append-2026-11-25";
const PLAN_SESSION = "bench-plan-2026-11-25";
const CONTENT = "x".repeat(1024);
const SEED_MESSAGES = 2000;
const SEED_MEMORIES = 500;
const WORDS = "redis cache pool session token budget stage plan memory lesson group retry".split(" ");
const TTA_BIN = new URL("../src/bin.ts", import.meta.url);
const FLOOR_BIN = new URL("./floor-server.ts", import.meta.url);

interface Row {
  case: string;
  "req/s": number;
  "p50 ms": number;
  "p99 ms": number;
  "× floor req/s": string;
  "p99 ÷ floor": string;
  errors: number;
}

interface Load {
  path: string;
  method: "GET" | "POST";
  body?: string;
}

const APPEND: Load = {
  method: "POST",
  path: `/v1/sessions/${APPEND_SESSION}/messages`,
  body: JSON.stringify({ content: CONTENT }),
};
const PLAN: Load = {
  method: "POST",
  path: `/v1/sessions/${PLAN_SESSION}/context`,
  body: JSON.stringify({ stage: "plan", mode: "standard" }),
};

/** Run autocannon against each URL at once (connections split evenly); sum req/s, worst p50 and p99. */
async function fire(urls: string[], load: Load, seconds: number) {
  const results = await Promise.all(
    urls.map((url) =>
      autocannon({
        url: url + load.path,
        method: load.method,
        connections: CONNECTIONS / urls.length,
        duration: seconds,
        headers: { "content-type": "application/json" },
        ...(load.body !== undefined ? { body: load.body } : {}),
      }),
    ),
  );
  return {
    rps: results.reduce((n, r) => n + r.requests.average, 0),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: results.reduce((n, r) => n + r.errors + r.timeouts + r.non2xx, 0),
  };
}

async function measure(urls: string[], load: Load) {
  await fire(urls, load, 1); // warm-up: JIT, caches, the memory index
  return fire(urls, load, SECONDS);
}

function pafDoc(): string {
  const lines = ["# PAFs", ""];
  for (let i = 1; i <= 34; i++) {
    const id = `CAT-${String(i).padStart(3, "0")}`;
    lines.push(`## Section ${i}`, `- **${id}**: Rule ${i} about ${WORDS[i % WORDS.length]}`, "");
  }
  return lines.join("\n");
}

async function workspace(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tta-http-bench-"));
  await mkdir(join(dir, ".git"));
  await writeFile(join(dir, "PAFCORE.md"), pafDoc());
  return dir;
}

/** The sessions both loads use: an empty one to append to, and one with history and memories. */
async function seed(url: string): Promise<void> {
  const tta = createTtaClient({ baseUrl: url });
  await tta.call("session.create", { id: APPEND_SESSION });
  await tta.call("session.create", { id: PLAN_SESSION, title: "Plan the redis cache" });
  for (let i = 0; i < SEED_MESSAGES; i += 500) {
    await tta.call("message.append", {
      sessionId: PLAN_SESSION,
      messages: Array.from({ length: 500 }, (_, j) => ({
        role: (i + j) % 2 ? ("assistant" as const) : ("user" as const),
        content: `message ${i + j} ${WORDS[(i + j) % WORDS.length]} ${"lorem ipsum ".repeat(80)}`,
      })),
    });
  }
  for (let i = 0; i < SEED_MEMORIES; i++) {
    await tta.call("memory.create", {
      content: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} lesson number ${i}`,
      tags: [WORDS[i % 5]!],
      importance: (i % 10) / 10,
      ...(i % 10 === 0 ? { sessionId: PLAN_SESSION } : {}),
    });
  }
}

function row(
  name: string,
  m: { rps: number; p50: number; p99: number; errors: number },
  floor: typeof m,
): Row {
  return {
    case: name,
    "req/s": Math.round(m.rps),
    "p50 ms": m.p50,
    "p99 ms": m.p99,
    "× floor req/s": (m.rps / floor.rps).toFixed(2),
    "p99 ÷ floor": (m.p99 / Math.max(floor.p99, 1)).toFixed(1),
    errors: m.errors,
  };
}

async function main(): Promise<void> {
  const started: BenchServer[] = [];
  const redis = await startRedisServer();
  try {
    const start = async (cwd: string, env: Record<string, string> = {}) => {
      const s = await startBenchServer(TTA_BIN, { cwd, env });
      started.push(s);
      return s;
    };
    const floorServer = await startBenchServer(FLOOR_BIN, { cwd: process.cwd() });
    started.push(floorServer);
    const floor = await measure([floorServer.url], { method: "GET", path: "/" });
    const rows: Row[] = [row("floor: bare Hono route, constant JSON", floor, floor)];
    await floorServer.stop();

    const file = await start(await workspace());
    await seed(file.url);
    rows.push(row("file: message append (1 KiB)", await measure([file.url], APPEND), floor));
    rows.push(row("file: context load standard/plan", await measure([file.url], PLAN), floor));
    await file.stop();

    const redisEnv = { TTA_BACKEND: "redis", TTA_REDIS_URL: redis.url };
    const redisDir = await workspace();
    const one = await start(redisDir, redisEnv);
    await seed(one.url);
    rows.push(row("redis: message append (1 KiB)", await measure([one.url], APPEND), floor));
    rows.push(row("redis: context load standard/plan", await measure([one.url], PLAN), floor));
    rows.push(row("redis, 1 process (2×16 conn.): append", await measure([one.url, one.url], APPEND), floor));
    const two = await start(redisDir, redisEnv);
    rows.push(
      row("redis, 2 processes (16 conn. each): append", await measure([one.url, two.url], APPEND), floor),
    );
    console.table(rows);
    console.log(
      `${CONNECTIONS} connections, ${SECONDS} s per case after a 1 s warm-up; seeded ${SEED_MESSAGES} messages, ${SEED_MEMORIES} memories, 34 PAFs; node ${process.version}`,
    );
  } finally {
    for (const s of started) await s.stop();
    await redis.stop();
  }
}

await main();
