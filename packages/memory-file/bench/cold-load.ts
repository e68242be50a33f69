/**
 * Cold journal load: a fresh process's first read of a record journal of 100 000 memories of about
 * 1 KiB, through the public backend (`createFileBackend`, then `get` of one key, then `getMany` of
 * 100 keys) without the journal's index, and a first `getMany` of 10 keys through it, beside its
 * floor in the same run: `readFileSync` of the same file and a scan for its
 * newlines, and the same plus the CRC-32 of each line (the checksum every load must verify).
 *
 * Every measurement runs in its own fresh child process (nothing loaded, nothing compiled yet), in
 * alternating rounds; figures are medians of the rounds. Heap is measured after a forced GC with the
 * loaded state still reachable: `heapUsed` (JS objects and strings) and `arrayBuffers` (Buffers).
 *
 * Run: `pnpm --filter @tta-dev/memory-file bench` (with the other benches) or
 * `BENCH_ONLY=cold pnpm --filter @tta-dev/memory-file bench` (this one alone).
 * `BENCH_RECORDS` (default 100 000) and `BENCH_ROUNDS` (default 7) change the size and the rounds.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { crc32 } from "node:zlib";
import { createFileBackend } from "../src/index.js";
import { putBody } from "../src/journal/journal-lines.js";
import { frameLine } from "../src/line-codec.js";

const SCOPE = { namespace: "default", collection: "memories" };

interface Sample {
  ms: number;
  /** CPU time of the process (all its threads, GC helpers included): steadier than `ms` on a busy machine. */
  cpuMs: number;
  heapMB: number;
  buffersMB: number;
}

const id = (i: number) => `mem_${String(i).padStart(26, "0")}`;

/** A memory of about 1 KiB, shaped like the ones the memory layer stores. */
function memory(i: number) {
  return {
    id: id(i),
    content: `lesson ${i}: ${"a lesson learned while debugging the cache pool under load ".repeat(14)}`,
    kind: "lesson",
    tags: ["cache", "debug", `t${i % 50}`],
    importance: (i % 10) / 10,
    groupIds: [],
    pinned: false,
    createdAt: "2026-11-25T12:00:00.000Z",
    updatedAt: "2026-11-25T12:00:00.000Z",
    version: 1,
  };
}

function journalPath(root: string): string {
  return join(root, "ns", "default", "rec", "memories.jsonl");
}

function measureHeap(keep: unknown): { heapMB: number; buffersMB: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  // `keep` stays reachable until here, so the GC above cannot free what was loaded.
  if (keep === Symbol.for("never")) console.log(keep);
  return { heapMB: m.heapUsed / 2 ** 20, buffersMB: m.arrayBuffers / 2 ** 20 };
}

/** Child process: one measurement, printed as a JSON line. */
async function child(mode: string, root: string, count: number): Promise<void> {
  const file = journalPath(root);
  const base = measureHeap(null);
  const t = performance.now();
  const cpu = process.cpuUsage();
  let keep: unknown;
  if (mode === "tta-index") {
    const backend = createFileBackend({ root });
    const keys = Array.from({ length: 10 }, (_, i) => id((i * 997) % count));
    const many = await backend.getMany(SCOPE, keys);
    if (many.some((r, i) => (r?.value as { id: string } | undefined)?.id !== keys[i])) {
      throw new Error("getMany failed");
    }
    keep = backend;
  } else if (mode === "tta") {
    const backend = createFileBackend({ root });
    const one = await backend.get(SCOPE, id(count >> 1));
    if (!one || (one.value as { id: string }).id !== id(count >> 1)) throw new Error("get failed");
    keep = backend;
  } else {
    const buf = readFileSync(file);
    let lines = 0;
    let sum = 0;
    for (let start = 0, nl = buf.indexOf(10); nl !== -1; start = nl + 1, nl = buf.indexOf(10, start)) {
      lines++;
      if (mode === "floor-crc") sum ^= crc32(buf.subarray(start + 8, nl));
    }
    if (lines !== count) throw new Error(`floor read ${lines} lines`);
    keep = [buf, sum];
  }
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;
  const heap = measureHeap(keep);
  if (mode === "tta") {
    // Not timed: the catch-up `getMany` of a search after an add, on the loaded state.
    const backend = keep as ReturnType<typeof createFileBackend>;
    const keys = Array.from({ length: 100 }, (_, i) => id((i * 997) % count));
    const many = await backend.getMany(SCOPE, keys);
    if (many.some((r, i) => (r?.value as { id: string } | undefined)?.id !== keys[i])) {
      throw new Error("getMany failed");
    }
    await backend.close();
  }
  const out: Sample = {
    ms,
    cpuMs,
    heapMB: heap.heapMB - base.heapMB,
    buffersMB: heap.buffersMB - base.buffersMB,
  };
  console.log(JSON.stringify(out));
}

function runChild(mode: string, root: string, count: number): Sample {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--conditions=source", "--import", "tsx", self, "child", mode, root, String(count)],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(out.trim().split("\n").pop()!) as Sample;
}

const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const count = Number(process.env.BENCH_RECORDS ?? 100_000);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
  const root = mkdtempSync(join(tmpdir(), "tta-file-cold-"));
  try {
    const file = journalPath(root);
    mkdirSync(dirname(file), { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const m = memory(i);
      lines.push(frameLine(putBody(m.id, 1, null, JSON.stringify(m))));
    }
    writeFileSync(file, lines.join(""));
    const size = statSync(file).size;
    readFileSync(file); // in the page cache for every round alike

    // An index as the first whole read leaves it, put back before each round that reads through it
    // (a round without one removes it first, and its whole read writes one again: that is counted).
    const idx = `${file}.idx`;
    const setup = createFileBackend({ root });
    await setup.list(SCOPE, { limit: 1 });
    await setup.close();
    const saved = readFileSync(idx);
    const modes = ["tta", "tta-index", "floor", "floor-crc"] as const;
    const samples: Record<(typeof modes)[number], Sample[]> = {
      tta: [],
      "tta-index": [],
      floor: [],
      "floor-crc": [],
    };
    for (let r = 0; r < rounds; r++) {
      for (const m of modes) {
        if (m === "tta") rmSync(idx, { force: true });
        else writeFileSync(idx, saved);
        samples[m].push(runChild(m, root, count));
      }
    }

    const med = (m: (typeof modes)[number], k: keyof Sample) => mid(samples[m].map((s) => s[k]));
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(" ");
    console.log(
      `\ncold journal load (node ${process.version}, ${process.platform}, ${cpus().length} cores, load ${load})`,
    );
    console.log(
      `${count.toLocaleString("en")} records, ${(size / 2 ** 20).toFixed(1)} MiB (${Math.round(size / count)} B a line); each figure the median of ${rounds} fresh processes\n`,
    );
    console.log("| operation | time | CPU time | heap used | buffers | floor / time |");
    console.log("|---|---|---|---|---|---|");
    const row = (name: string, m: (typeof modes)[number]) =>
      console.log(
        `| ${name} | ${med(m, "ms").toFixed(1)} ms | ${med(m, "cpuMs").toFixed(1)} ms | ${med(m, "heapMB").toFixed(1)} MB | ${med(m, "buffersMB").toFixed(1)} MB | ${m === "tta" ? "" : `${((med(m, "ms") / med("tta", "ms")) * 100).toFixed(0)} %`} |`,
      );
    row("tta: createFileBackend + first get, no index (journal load, index written)", "tta");
    row("tta: createFileBackend + first getMany of 10 keys, through the index", "tta-index");
    row("floor: readFileSync + newline scan", "floor");
    row("floor: readFileSync + newline scan + crc32 per line", "floor-crc");
    const ratio = (k: "ms" | "cpuMs", m: "floor" | "floor-crc", t: "tta" | "tta-index" = "tta") =>
      (med(t, k) / med(m, k)).toFixed(2);
    console.log(
      `\nthrough the index: time / floor ${ratio("ms", "floor", "tta-index")}×, / whole load ${(med("tta-index", "ms") / med("tta", "ms")).toFixed(2)}×`,
    );
    console.log(
      `\ntime: tta / floor ${ratio("ms", "floor")}×, tta / floor with crc32 ${ratio("ms", "floor-crc")}×; CPU time: ${ratio("cpuMs", "floor")}×, ${ratio("cpuMs", "floor-crc")}×`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === "child") {
  await child(process.argv[3]!, process.argv[4]!, Number(process.argv[5]));
} else if (process.env.BENCH_ONLY === undefined || process.env.BENCH_ONLY === "cold") {
  await main();
}
