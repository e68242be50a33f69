/**
 * Parse + lint of a 5 000-fact PAF document, beside its floor (the bare unified + remark-parse +
 * remark-gfm parse of the same text) in one run; also the warm and cross-process cached loads of a
 * PafSource and the import cost of the built package. Run: `pnpm bench` in this package.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import remarkGfm from "remark-gfm";
import remarkParse from "remark-parse";
import { Bench } from "tinybench";
import { unified } from "unified";
import { createPafSource, lintParsedPafs, parsePafDocument } from "../src/index.js";
import { generateRegistry } from "./registry.js";

const text = generateRegistry(5_000);
const processor = unified().use(remarkParse).use(remarkGfm).freeze();
const floorParse = () => processor.parse(text);
const ours = async () => lintParsedPafs(await parsePafDocument(text));

const check = lintParsedPafs(await parsePafDocument(text));
const facts = (await parsePafDocument(text)).facts;
if (facts.length !== 5_000) throw new Error(`expected 5000 facts, got ${facts.length}`);

async function median(name: string, fn: () => unknown, time: number, iterations = 64): Promise<number> {
  const bench = new Bench({ time, iterations, warmupTime: 200, warmupIterations: Math.min(iterations, 8) });
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== "completed") throw new Error(`${name}: ${r.state}`);
  return r.latency.p50;
}
const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Alternate rounds of the project and its floor (the machine is shared); median of medians, ms. */
async function pair(tta: () => unknown, floor: () => unknown, rounds = 5, time = 1_500, iterations = 64) {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    a.push(await median("tta", tta, time, iterations));
    b.push(await median("floor", floor, time, iterations));
  }
  return { tta: mid(a), floor: mid(b) };
}

const rows: string[] = [];
const fmt = (ms: number) =>
  ms >= 10 ? `${ms.toFixed(0)} ms` : ms >= 0.1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
const row = (what: string, tta: number, floor: number, floorName: string) =>
  rows.push(`| ${what} | ${fmt(tta)} | ${fmt(floor)} (${floorName}) | ${(tta / floor).toFixed(2)}× |`);

/**
 * Parse + lint take about a second each: measured as CPU time of this process (user + system), which
 * other load on the shared machine disturbs far less than wall time; the two alternate, 9 runs each.
 */
async function cpuPair(tta: () => unknown, floor: () => unknown, runs = 9) {
  const a: number[] = [];
  const b: number[] = [];
  const cpu = async (fn: () => unknown) => {
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  await tta();
  await floor();
  for (let i = 0; i < runs; i++) {
    a.push(await cpu(tta));
    b.push(await cpu(floor));
  }
  return { tta: mid(a), floor: mid(b) };
}
const parse = await cpuPair(ours, floorParse);
row(
  `parse + lint, 5 000 facts (${(text.length / 1024).toFixed(0)} KiB), ${check.length} lint problems, CPU time`,
  parse.tta,
  parse.floor,
  "bare remark parse",
);

// Loads through a PafSource: warm (same process, stat only) and cold with a cache file (new process).
const root = mkdtempSync(join(tmpdir(), "tta-paf-bench-"));
writeFileSync(join(root, "PAFCORE.md"), text);
const warmSource = createPafSource({ root });
await warmSource.load();
const cacheFile = join(root, ".tta", "paf-cache.json");
await createPafSource({ root, cacheFile }).load();
const { stat, readFile } = await import("node:fs/promises");
const warm = await pair(
  () => warmSource.load(),
  () => stat(join(root, "PAFCORE.md")),
);
row("PafSource.load(), warm, 5 000 facts", warm.tta, warm.floor, "one stat");
const cold = await pair(
  () => createPafSource({ root, cacheFile }).load(),
  async () => JSON.parse(await readFile(cacheFile, "utf8")),
  3,
  1_000,
  10,
);
row(
  "PafSource.load() from the cache file, new source, 5 000 facts",
  cold.tta,
  cold.floor,
  "read + JSON.parse of the cache",
);
rmSync(root, { recursive: true, force: true });

// Import cost of the built package in a fresh process, beside `node -e 0`.
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
if (existsSync(dist)) {
  // Each child reports its own CPU time (start-up included) when it is done: steadier than wall time here.
  const report = "const c = process.cpuUsage(); console.log((c.user + c.system) / 1000);";
  const run = (code: string) => {
    const t: number[] = [];
    for (let i = 0; i < 11; i++) {
      const out = spawnSync(process.execPath, ["--input-type=module", "-e", `${code}\n${report}`], {
        encoding: "utf8",
      });
      t.push(Number(out.stdout.trim()));
    }
    return mid(t);
  };
  const core = fileURLToPath(new URL("../../core/dist/index.js", import.meta.url));
  const base = run("");
  const coreOnly = run(`await import(${JSON.stringify(core)});`);
  const imp = run(`await import(${JSON.stringify(dist)});`);
  row("`import('@tta-dev/paf')` (dist), whole process, CPU time", imp, base, "`node -e 0`");
  row(
    "`import('@tta-dev/paf')` (dist), whole process, CPU time",
    imp,
    coreOnly,
    "`import('@tta-dev/core')`, which it needs",
  );
} else {
  rows.push("| import cost | not measured: run `npx tsc -b` first | | |");
}

console.log(
  `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, load ${loadavg()[0]!.toFixed(2)}`,
);
console.log("| operation | tta (median) | floor | ratio |");
console.log("|---|---|---|---|");
for (const r of rows) console.log(r);
