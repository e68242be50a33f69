/**
 * exportBundle and importBundle throughput on a file-backend store (20 sessions × 5 000 messages,
 * 10 000 memories by default), each beside its floor in the same run: a raw copy of the bundle file
 * (export), raw appends of the same lines in batches (import into a file store), a raw ioredis
 * pipeline of RPUSH of the same lines (import into Redis). Run: pnpm --filter @tta-dev/workflow bench
 * (or just this one: node --conditions=source --import tsx bench/bundle.ts).
 */
import { appendFileSync, createWriteStream } from "node:fs";
import { copyFile, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock } from "@tta-dev/core";
import { createMemoryStore, exportBundle, importBundle } from "@tta-dev/memory";
import { createFileBackend } from "@tta-dev/memory-file";
import { createRedisBackend } from "@tta-dev/memory-redis";
import { startRedisServer } from "@tta-dev/testkit/redis";
import { Redis } from "ioredis";

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 20);
const MESSAGES = Number(process.env.BENCH_SESSION_MESSAGES ?? 5_000);
const MEMORIES = Number(process.env.BENCH_MEMORIES ?? 10_000);
const BATCH = 1000;
const WORDS =
  "redis cache pool session token budget stage plan memory lesson group failure retry cluster index".split(
    " ",
  );

const sid = (i: number): string => `bench-s${i}-2026-11-25`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return `${[line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "tta-bundle-bench-"));
  const clock = createManualClock("2026-11-25T12:00:00.000Z");
  const source = createFileBackend({ root: join(work, "source"), clock });
  const store = createMemoryStore({ backend: source, clock });
  for (let s = 0; s < SESSIONS; s++) {
    await store.sessions.create({ id: sid(s), title: `Session ${s}`, tags: [WORDS[s % WORDS.length]!] });
    for (let i = 0; i < MESSAGES; i += BATCH)
      await store.messages.appendBatch({
        sessionId: sid(s),
        messages: Array.from({ length: Math.min(BATCH, MESSAGES - i) }, (_, j) => ({
          role: (i + j) % 2 ? ("assistant" as const) : ("user" as const),
          content: `message ${i + j} ${WORDS[(i + j) % WORDS.length]} ${"lorem ipsum dolor ".repeat(12)}`,
        })),
      });
  }
  for (let i = 0; i < MEMORIES; i++)
    await store.memories.create({
      content: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} lesson number ${i}`,
      tags: [WORDS[i % 5]!],
      importance: (i % 10) / 10,
      sessionId: sid(i % SESSIONS),
    });
  const messages = SESSIONS * MESSAGES;

  // Export to a file, beside a raw copy of the same bytes.
  const bundle = join(work, "bundle.ndjson");
  const lines: string[] = [];
  const exportS = await timed(async () => {
    const out = createWriteStream(bundle);
    for await (const line of exportBundle({ backend: source, namespace: "default", tool: "bench" })) {
      lines.push(line);
      if (!out.write(line)) await new Promise<void>((r) => out.once("drain", () => r()));
    }
    await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
  });
  const bytes = (await stat(bundle)).size;
  const copyS = await timed(() => copyFile(bundle, join(work, "copy.ndjson")));
  const mb = bytes / 1024 / 1024;

  // Import into a fresh file store, beside raw appends of the same lines.
  const target = createFileBackend({ root: join(work, "target"), clock });
  const importFileS = await timed(() => importBundle(target, bundle, { now: () => clock.now() }));
  await target.close();
  const appendS = await timed(async () => {
    const file = join(work, "append.ndjson");
    for (let i = 0; i < lines.length; i += BATCH) appendFileSync(file, lines.slice(i, i + BATCH).join(""));
  });

  // Import into Redis, beside a raw pipeline of RPUSH of the same lines.
  const server = await startRedisServer();
  let importRedisS = 0;
  let rpushS = 0;
  try {
    const redis = createRedisBackend({ url: server.url, clock, keyPrefix: "bench" });
    importRedisS = await timed(() => importBundle(redis, bundle, { now: () => clock.now() }));
    await redis.close();
    const raw = new Redis(server.url);
    rpushS = await timed(async () => {
      for (let i = 0; i < lines.length; i += BATCH) {
        const pipe = raw.pipeline();
        for (const line of lines.slice(i, i + BATCH)) pipe.rpush("raw:lines", line);
        await pipe.exec();
      }
    });
    await raw.quit();
  } finally {
    await server.stop();
  }
  await source.close();
  await rm(work, { recursive: true, force: true });

  const perS = (n: number, s: number): string => `${Math.round(n / s).toLocaleString("en-US")}/s`;
  const sec = (s: number): string => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`);
  const x = (a: number, b: number): string => `×${(a / b).toFixed(1)}`;
  console.log(
    `sessions=${SESSIONS} messages=${messages} memories=${MEMORIES} bundle=${mb.toFixed(1)} MiB (${lines.length} lines)\n`,
  );
  console.log(
    table(
      ["operation", "time", "messages/s", "MiB/s", "floor", "floor time", "ratio"],
      [
        [
          "exportBundle → file",
          sec(exportS),
          perS(messages, exportS),
          (mb / exportS).toFixed(1),
          "fs.copyFile of the bundle",
          sec(copyS),
          x(exportS, copyS),
        ],
        [
          "importBundle → file store",
          sec(importFileS),
          perS(messages, importFileS),
          (mb / importFileS).toFixed(1),
          `appendFileSync of the lines, ${BATCH} a batch`,
          sec(appendS),
          x(importFileS, appendS),
        ],
        [
          "importBundle → Redis",
          sec(importRedisS),
          perS(messages, importRedisS),
          (mb / importRedisS).toFixed(1),
          `ioredis pipeline RPUSH, ${BATCH} a batch`,
          sec(rpushS),
          x(importRedisS, rpushS),
        ],
      ],
    ),
  );
}

await main();
