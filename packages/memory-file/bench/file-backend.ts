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
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createMemoryStore } from "@tta-dev/memory";
import lockfile from "proper-lockfile";
import { Bench } from "tinybench";
import { createFileBackend } from "../src/index.js";
import { putBody } from "../src/journal/journal-lines.js";
import { frameLine } from "../src/line-codec.js";
import { createLockManager } from "../src/lock/lock.js";

const MESSAGE = {
  role: "user",
  content: "x".repeat(940),
  metadata: { source: "bench" },
  createdAt: "2026-11-25T12:00:00.000Z",
};
const root = mkdtempSync(join(tmpdir(), "tta-file-bench-"));
const rows: { name: string; tta: number; floor: number; ratio?: number; unit: string; target: string }[] = [];

async function median(name: string, fn: () => unknown, time: number): Promise<number> {
  const bench = new Bench({ time, warmupTime: 100 });
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== "completed") throw new Error(`${name}: ${r.state}`);
  return r.latency.p50 * 1000; // µs
}

const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Measure the project and its floor in alternating rounds (the machine is shared, so its load
 * drifts); each figure is the median of the rounds' medians, and `ratio` the median of each round's
 * tta / floor (the two measured back to back, under the same load: what the % column shows).
 */
async function pair(name: string, tta: () => unknown, floor: () => unknown, rounds = 5, time = 400) {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    a.push(await median(`tta ${name}`, tta, time));
    b.push(await median(`raw ${name}`, floor, time));
  }
  return { tta: mid(a), floor: mid(b), ratio: mid(a.map((x, i) => x / b[i]!)) };
}

function session(name: string) {
  return { namespace: "default", collection: "messages", partition: name };
}

async function appends(durability: "os" | "fsync"): Promise<void> {
  const backend = createFileBackend({ root: join(root, `append-${durability}`), durability });
  const scope = session(`append-${durability}-2026-01-01`);
  const fd = openSync(join(root, `raw-${durability}.jsonl`), "a");
  let seq = 0;
  // fsync times follow the shared disk's load from one moment to the next: more, shorter rounds.
  const rounds = durability === "fsync" ? 15 : 5;
  const time = durability === "fsync" ? 250 : 400;
  const r = await pair(
    `append ${durability}`,
    () => backend.append(scope, [{ value: MESSAGE }]),
    () => {
      writeSync(fd, `${JSON.stringify({ seq: ++seq, ...MESSAGE })}\n`);
      if (durability === "fsync") fdatasyncSync(fd);
    },
    rounds,
    time,
  );
  rows.push({
    name: `append 1 message, ${durability}, cross-process safe (floor: writeSync${durability === "fsync" ? " + fdatasync" : ""})`,
    ...r,
    unit: "µs",
    target: durability === "os" ? "≤ 90 µs (aim 30)" : "≤ 210 µs",
  });
  if (durability === "os") {
    const file = join(root, "raw-appendfile.jsonl");
    const v = await pair(
      "append os vs appendFileSync",
      () => backend.append(scope, [{ value: MESSAGE }]),
      () => appendFileSync(file, `${JSON.stringify({ seq: ++seq, ...MESSAGE })}\n`),
    );
    rows.push({ name: "append 1 message, os (floor: appendFileSync)", ...v, unit: "µs", target: "" });
  }
  // The same append through the public store: input checks and the session check (a read of the
  // sessions journal) on top of the backend's append.
  const store = createMemoryStore({ backend, namespace: "default" });
  const sessionId = `store-${durability}-2026-01-01`;
  await store.sessions.create({ id: sessionId });
  const s = await pair(
    `store append ${durability}`,
    () =>
      store.messages.append({
        sessionId,
        role: "user",
        content: MESSAGE.content,
        metadata: MESSAGE.metadata,
      }),
    () => {
      writeSync(fd, `${JSON.stringify({ seq: ++seq, ...MESSAGE })}\n`);
      if (durability === "fsync") fdatasyncSync(fd);
    },
    rounds,
    time,
  );
  rows.push({
    name: `messages.append through createMemoryStore, ${durability} (floor: writeSync${durability === "fsync" ? " + fdatasync" : ""})`,
    ...s,
    unit: "µs",
    target: durability === "os" ? "≤ 40 µs" : "≤ 1.3× floor",
  });
  closeSync(fd);
  await backend.close();
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
  const store = createMemoryStore({ backend, namespace: "default" });
  const sessionId = `store-read-${count}-2026-01-01`;
  await store.sessions.create({ id: sessionId });
  for (let done = 0; done < count; done += 1000) {
    await backend.append(
      session(sessionId),
      Array.from({ length: Math.min(1000, count - done) }, () => ({ value: MESSAGE })),
    );
  }
  const file = join(root, `raw-read-${count}.jsonl`);
  const line = (i: number) => `${JSON.stringify({ seq: i, ...MESSAGE })}\n`;
  writeFileSync(file, Array.from({ length: count }, (_, i) => line(i + 1)).join(""));
  const fd = openSync(file, "r");
  const { tta, floor, ratio } = await pair(
    `last 50 of ${count}`,
    () => backend.readLog(scope, { fromEnd: true, limit: 50 }),
    () => {
      const size = fstatSync(fd).size;
      const len = Math.min(size, 51 * 1100);
      const buf = Buffer.allocUnsafe(len);
      readSync(fd, buf, 0, len, size - len);
      const lines = buf.toString("utf8").split("\n");
      return lines.slice(-51, -1).map((l) => JSON.parse(l));
    },
  );
  const viaStore = await pair(
    `store last 50 of ${count}`,
    () => store.messages.list({ sessionId, last: 50 }),
    () => {
      const size = fstatSync(fd).size;
      const len = Math.min(size, 51 * 1100);
      const buf = Buffer.allocUnsafe(len);
      readSync(fd, buf, 0, len, size - len);
      return buf
        .toString("utf8")
        .split("\n")
        .slice(-51, -1)
        .map((l) => JSON.parse(l));
    },
  );
  closeSync(fd);
  await backend.close();
  rows.push({
    name: `last 50 of ${count.toLocaleString("en")} messages`,
    tta,
    floor,
    ratio,
    unit: "µs",
    target: "≤ 300 µs",
  });
  rows.push({
    name: `messages.list last 50 of ${count.toLocaleString("en")} through createMemoryStore`,
    ...viaStore,
    unit: "µs",
    target: count === 10_000 ? "≤ 150 µs" : "",
  });
  return tta;
}

function runWorkers(mode: "backend" | "raw", count: number, each: number): Promise<number> {
  const worker = fileURLToPath(new URL("./append-worker.ts", import.meta.url));
  const startAt = Date.now() + 3000;
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

/** A fresh process's first `list` of every memory (load the journal, then page through it). */
async function coldMemories(count: number): Promise<void> {
  const dir = join(root, `memories-${count}`);
  const file = join(dir, "ns", "default", "rec", "memories.jsonl");
  mkdirSync(dirname(file), { recursive: true });
  const memory = (i: number) => ({
    id: `mem_${String(i).padStart(26, "0")}`,
    content: "a lesson learned while debugging the cache ".repeat(12),
    kind: "lesson",
    tags: ["cache", "debug"],
    importance: 0.5,
    groupIds: [],
    pinned: false,
    createdAt: "2026-11-25T12:00:00.000Z",
    updatedAt: "2026-11-25T12:00:00.000Z",
    version: 1,
  });
  const text = Array.from({ length: count }, (_, i) => {
    const m = memory(i);
    return frameLine(putBody(m.id, 1, null, JSON.stringify(m)));
  }).join("");
  writeFileSync(file, text);
  const scope = { namespace: "default", collection: "memories" };
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < 5; r++) {
    let t = performance.now();
    const backend = createFileBackend({ root: dir });
    let cursor: string | null = null;
    let n = 0;
    do {
      const page = await backend.list(scope, { limit: 1000, ...(cursor ? { cursor } : {}) });
      n += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    await backend.close();
    if (n !== count) throw new Error(`listed ${n} of ${count}`);
    a.push((performance.now() - t) * 1000);
    t = performance.now();
    const values = readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l.slice(l.indexOf("\t") + 1)));
    if (values.length !== count) throw new Error("raw");
    b.push((performance.now() - t) * 1000);
  }
  rows.push({
    name: `cold load + list all of ${count.toLocaleString("en")} memories (floor: readFileSync + JSON.parse per line)`,
    tta: mid(a),
    floor: mid(b),
    unit: "µs",
    target: "",
  });
}

async function locks(): Promise<void> {
  const manager = createLockManager({ ownersDir: join(root, "locks"), staleMs: 30_000, timeoutMs: 10_000 });
  const path = join(root, "bench.lock");
  const target = join(root, "locked-file");
  writeFileSync(target, "");
  const r = await pair(
    "lock cycle",
    () => manager.withLock(path, () => 0),
    async () => {
      const release = await lockfile.lock(target, { stale: 10_000, realpath: false });
      await release();
    },
    3,
  );
  manager.close();
  rows.push({ name: "lock + unlock (floor column: proper-lockfile 4.1.2)", ...r, unit: "µs", target: "" });
}

async function concurrent(): Promise<void> {
  const tta4: number[] = [];
  const raw4: number[] = [];
  for (let i = 0; i < 3; i++) {
    tta4.push(await runWorkers("backend", 4, 2000));
    raw4.push(await runWorkers("raw", 4, 2000));
  }
  rows.push({
    name: "4 processes × 2 000 appends to one session (floor: O_APPEND writeSync, no seqs, no lock)",
    tta: mid(tta4),
    floor: mid(raw4),
    unit: "msg/s",
    target: "",
  });
}

async function main(): Promise<void> {
  // BENCH_ONLY=cold leaves this file to bench/cold-load.ts.
  if (process.env.BENCH_ONLY === "cold") return;
  // BENCH_ONLY=concurrent runs the multi-process part alone.
  const all = process.env.BENCH_ONLY !== "concurrent";
  // BENCH_ONLY=store runs the rows of the public store beside the backend's (append, last 50 of 10 000).
  const storeOnly = process.env.BENCH_ONLY === "store";
  let small = 1;
  let big = 1;
  if (storeOnly) {
    await appends("os");
    await appends("fsync");
    await lastFifty(10_000);
  } else if (all) {
    await appends("os");
    await appends("fsync");
    small = await lastFifty(1_000);
    await lastFifty(10_000);
    big = await lastFifty(100_000);
    await coldMemories(10_000);
    await coldMemories(100_000);
    await locks();
  }
  if (!storeOnly) await concurrent();

  const fmt = (n: number, unit: string) =>
    unit !== "µs"
      ? `${Math.round(n).toLocaleString("en")} ${unit}`
      : n >= 10_000
        ? `${(n / 1000).toFixed(1)} ms`
        : `${n.toFixed(1)} µs`;
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
  console.log(
    `\nfile backend benchmark (node ${process.version}, ${process.platform}, ${cpus().length} cores, load ${load})`,
  );
  console.log(
    "medians of alternating rounds, project and floor in the same run; % = floor / tta, the median of the rounds' ratios; 1 KiB messages\n",
  );
  console.log("| operation | tta | floor (raw) | tta as % of raw throughput | target |");
  console.log("|---|---|---|---|---|");
  for (const r of rows) {
    const pct =
      r.unit === "µs" ? (r.ratio ? 100 / r.ratio : (r.floor / r.tta) * 100) : (r.tta / r.floor) * 100;
    console.log(
      `| ${r.name} | ${fmt(r.tta, r.unit)} | ${fmt(r.floor, r.unit)} | ${pct.toFixed(0)} % | ${r.target} |`,
    );
  }
  if (!storeOnly) {
    console.log(
      `\nlast-50 read time, 100 000 vs 1 000 messages: ratio ${(big / small).toFixed(2)} (goal < 2)`,
    );
  }
  rmSync(root, { recursive: true, force: true });
}

await main();
