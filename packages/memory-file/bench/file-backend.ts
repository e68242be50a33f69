/**
 * Benchmarks of the file backend, each beside its floor (the raw file-system equivalent) in one run.
 * Run: `pnpm bench` in this package. Medians of tinybench samples; 1 KiB messages.
 */
import { spawn } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  fdatasyncSync,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import lockfile from "proper-lockfile";
import { Bench } from "tinybench";
import { createFileBackend } from "../src/index.js";
import { createLockManager } from "../src/lock.js";

const MESSAGE = {
  role: "user",
  content: "x".repeat(940),
  metadata: { source: "bench" },
  createdAt: "2026-11-25T12:00:00.000Z",
};
const root = mkdtempSync(join(tmpdir(), "tta-file-bench-"));
const rows: { name: string; tta: number; floor: number; unit: string; target: string }[] = [];

async function median(name: string, fn: () => unknown, time = 1500): Promise<number> {
  const bench = new Bench({ time, warmupTime: 200 });
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== "completed") throw new Error(`${name}: ${r.state}`);
  return r.latency.p50 * 1000; // µs
}

function session(name: string) {
  return { namespace: "default", collection: "messages", partition: name };
}

async function appends(durability: "os" | "fsync"): Promise<void> {
  const backend = createFileBackend({ root: join(root, `append-${durability}`), durability });
  const scope = session(`append-${durability}-2026-01-01`);
  const tta = await median(`tta append ${durability}`, () => backend.append(scope, [{ value: MESSAGE }]));
  await backend.close();
  const fd = openSync(join(root, `raw-${durability}.jsonl`), "a");
  let seq = 0;
  const floor = await median(`raw writeSync ${durability}`, () => {
    writeSync(fd, `${JSON.stringify({ seq: ++seq, ...MESSAGE })}\n`);
    if (durability === "fsync") fdatasyncSync(fd);
  });
  closeSync(fd);
  rows.push({
    name: `append 1 message, ${durability}, cross-process safe`,
    tta,
    floor,
    unit: "µs",
    target: durability === "os" ? "≤ 90 µs (aim 30)" : "≤ 210 µs",
  });
  if (durability === "os") {
    const file = join(root, "raw-appendfile.jsonl");
    const viaAppendFile = await median("raw appendFileSync", () =>
      appendFileSync(file, `${JSON.stringify({ seq: ++seq, ...MESSAGE })}\n`),
    );
    rows.push({
      name: "(floor variant) raw appendFileSync per message",
      tta,
      floor: viaAppendFile,
      unit: "µs",
      target: "",
    });
  }
}

async function lastFifty(count: number): Promise<number> {
  const backend = createFileBackend({ root: join(root, `read-${count}`) });
  const scope = session(`read-${count}-2026-01-01`);
  for (let done = 0; done < count; done += 1000) {
    await backend.append(
      scope,
      Array.from({ length: Math.min(1000, count - done) }, () => ({ value: MESSAGE })),
    );
  }
  const tta = await median(`tta last 50 of ${count}`, () =>
    backend.readLog(scope, { fromEnd: true, limit: 50 }),
  );
  await backend.close();
  const file = join(root, `raw-read-${count}.jsonl`);
  const line = (i: number) => `${JSON.stringify({ seq: i, ...MESSAGE })}\n`;
  writeFileSync(file, Array.from({ length: count }, (_, i) => line(i + 1)).join(""));
  const fd = openSync(file, "r");
  const floor = await median(`raw tail read of ${count}`, () => {
    const size = fstatSync(fd).size;
    const len = Math.min(size, 51 * 1100);
    const buf = Buffer.allocUnsafe(len);
    readSync(fd, buf, 0, len, size - len);
    const lines = buf.toString("utf8").split("\n");
    return lines.slice(-51, -1).map((l) => JSON.parse(l));
  });
  closeSync(fd);
  rows.push({
    name: `last 50 of ${count.toLocaleString("en")} messages`,
    tta,
    floor,
    unit: "µs",
    target: "≤ 300 µs",
  });
  return tta;
}

function runWorkers(mode: "backend" | "raw", count: number, each: number): Promise<number> {
  const worker = fileURLToPath(new URL("./append-worker.ts", import.meta.url));
  const startAt = Date.now() + 1500;
  const dir = join(root, `concurrent-${mode}`);
  const runs = Array.from({ length: count }, () => {
    const task = {
      mode,
      root: dir,
      file: join(root, "concurrent-raw.jsonl"),
      count: each,
      startAt,
      message: MESSAGE,
    };
    return new Promise<{ start: number; end: number }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--conditions=source", "--import", "tsx", worker, JSON.stringify(task)],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.on("exit", (code) =>
        code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`worker exited ${code}`)),
      );
    });
  });
  return Promise.all(runs).then((times) => {
    const wall = Math.max(...times.map((t) => t.end)) - Math.min(...times.map((t) => t.start));
    return (count * each) / (wall / 1000);
  });
}

async function locks(): Promise<void> {
  const manager = createLockManager({ ownersDir: join(root, "locks"), staleMs: 30_000, timeoutMs: 10_000 });
  const path = join(root, "bench.lock");
  const tta = await median("tta lock cycle", () => manager.withLock(path, () => 0));
  manager.close();
  const target = join(root, "locked-file");
  writeFileSync(target, "");
  const proper = await median("proper-lockfile cycle", async () => {
    const release = await lockfile.lock(target, { stale: 10_000, realpath: false });
    await release();
  });
  rows.push({
    name: "lock + unlock (floor column: proper-lockfile)",
    tta,
    floor: proper,
    unit: "µs",
    target: "",
  });
}

async function main(): Promise<void> {
  await appends("os");
  await appends("fsync");
  const small = await lastFifty(1_000);
  await lastFifty(10_000);
  const big = await lastFifty(100_000);
  await locks();
  const tta4 = await runWorkers("backend", 4, 2000);
  const raw4 = await runWorkers("raw", 4, 2000);
  rows.push({
    name: "4 processes appending to one session",
    tta: tta4,
    floor: raw4,
    unit: "msg/s",
    target: "",
  });

  const fmt = (n: number, unit: string) =>
    unit === "µs" ? `${n.toFixed(1)} µs` : `${Math.round(n).toLocaleString("en")} ${unit}`;
  console.log(`\nfile backend benchmark (node ${process.version}, ${process.platform}; medians)\n`);
  console.log("| operation | tta | floor (raw) | tta as % of raw throughput | target |");
  console.log("|---|---|---|---|---|");
  for (const r of rows) {
    const pct = r.unit === "µs" ? (r.floor / r.tta) * 100 : (r.tta / r.floor) * 100;
    console.log(
      `| ${r.name} | ${fmt(r.tta, r.unit)} | ${fmt(r.floor, r.unit)} | ${pct.toFixed(0)} % | ${r.target} |`,
    );
  }
  console.log(`\nlast-50 read time, 100 000 vs 1 000 messages: ratio ${(big / small).toFixed(2)} (goal < 2)`);
  rmSync(root, { recursive: true, force: true });
}

await main();
