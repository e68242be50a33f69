/**
 * Longest event-loop block while a server's first operations read a journal of 100 000 memories of
 * about 1 KiB: a first `getMany` through the journal index, then a first `list` (the journal read
 * whole, in steps), beside a raw floor in the same run (`readFileSync` of the file, which blocks for
 * as long as it reads). A 1 ms timer records the largest gap between its turns.
 *
 * Run: `npx tsx --conditions=source bench/event-loop.ts` (`BENCH_RECORDS` changes the size).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createFileBackend } from "../src/index.js";
import { putBody } from "../src/journal/journal-lines.js";
import { frameLine } from "../src/line-codec.js";

const SCOPE = { namespace: "default", collection: "memories" };
const id = (i: number) => `mem_${String(i).padStart(26, "0")}`;

/** The longest gap (ms) between turns of a 1 ms timer while `fn` runs. */
async function longestBlock(fn: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  await new Promise((r) => setTimeout(r, 5));
  last = performance.now();
  await fn();
  await new Promise((r) => setTimeout(r, 5));
  clearInterval(timer);
  return worst;
}

const count = Number(process.env.BENCH_RECORDS ?? 100_000);
const root = mkdtempSync(join(tmpdir(), "tta-file-loop-"));
try {
  const file = join(root, "ns", "default", "rec", "memories.jsonl");
  mkdirSync(dirname(file), { recursive: true });
  const pad = "a lesson learned while debugging the cache pool under load ".repeat(16);
  const lines = Array.from({ length: count }, (_, i) =>
    frameLine(putBody(id(i), 1, null, JSON.stringify({ id: id(i), content: pad }))),
  );
  writeFileSync(file, lines.join(""));
  const setup = createFileBackend({ root });
  await setup.list(SCOPE, { limit: 1 }); // writes the index
  await setup.close();
  const rows: [string, number][] = [];
  for (let round = 0; round < 3; round++) {
    const b = createFileBackend({ root });
    rows.push([
      "first getMany of 10 keys (index)",
      await longestBlock(() => b.getMany(SCOPE, [id(1), id(count - 1)])),
    ]);
    rows.push(["first list (whole read, in steps)", await longestBlock(() => b.list(SCOPE, { limit: 10 }))]);
    await b.close();
    rows.push(["floor: readFileSync of the journal", await longestBlock(async () => readFileSync(file))]);
  }
  const med = (name: string) => {
    const xs = rows
      .filter(([n]) => n === name)
      .map(([, v]) => v)
      .sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)]!;
  };
  console.log(
    `\nlongest event-loop block, ${count} records, load ${loadavg()[0]!.toFixed(1)}, median of 3\n`,
  );
  console.log("| operation | longest block |\n|---|---|");
  for (const name of new Set(rows.map(([n]) => n))) console.log(`| ${name} | ${med(name).toFixed(1)} ms |`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
