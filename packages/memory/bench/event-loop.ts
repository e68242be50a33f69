/**
 * How long the event loop is held while a process's index is built, loaded and persisted: the longest
 * gap between turns of a `setImmediate` ticker during each phase, and the time of each synchronous
 * step by itself (snapshot, encode, decode, reset), over the in-memory backend.
 *
 * Run: pnpm exec tsx bench/event-loop.ts   (BENCH_SIZE=100000 by default)
 */
import { createManualClock } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { createMemoryStore } from "../src/index.js";
import { encodeSteps, type Steps } from "../src/index-segment.js";
import { MemoryIndex } from "../src/memory-index.js";
import { INDEX_SEGMENT_NAME, persistThreshold } from "../src/memory-sync.js";
import { decodeSegment } from "../src/segment-decode.js";

const SIZE = Number(process.env.BENCH_SIZE ?? 100_000);
const T0 = Date.parse("2026-11-25T12:00:00.000Z");
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const VOCAB = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x`);
const word = () => VOCAB[Math.floor(rand() ** 3 * VOCAB.length)]!;
const input = () => ({
  content: Array.from({ length: 40 }, word).join(" "),
  tags: [`tag${Math.floor(rand() * 200)}`],
  importance: Math.round(rand() * 100) / 100,
});

/**
 * Run `work` while a ticker records the longest gap between event-loop turns, in wall time and in the
 * process's CPU time (on a loaded machine the wall gap also counts time the process was not running).
 */
async function longestGap<T>(
  work: () => Promise<T>,
): Promise<{ ms: number; gap: number; cpu: number; value: T }> {
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let last = performance.now();
  let lastCpu = cpuNow();
  let gap = 0;
  let cpu = 0;
  let on = true;
  const tick = () => {
    const now = performance.now();
    const c = cpuNow();
    gap = Math.max(gap, now - last);
    cpu = Math.max(cpu, c - lastCpu);
    last = now;
    lastCpu = c;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  const start = performance.now();
  const value = await work();
  const ms = performance.now() - start;
  on = false;
  await new Promise((r) => setImmediate(r));
  return { ms, gap, cpu, value };
}
const time = <T>(f: () => T): [number, T] => {
  const s = performance.now();
  const v = f();
  return [performance.now() - s, v];
};

const clock = createManualClock(T0);
const backend = createInMemoryBackend({ clock });
const writer = createMemoryStore({ backend, clock, namespace: "b" });
for (let i = 0; i < SIZE; i++) await writer.memories.create(input());
const row = (name: string, r: { ms: number; gap: number; cpu: number }) =>
  console.log(`| ${name} | ${r.ms.toFixed(0)} | ${r.gap.toFixed(0)} | ${r.cpu.toFixed(0)} |`);
console.log(`${SIZE} memories, Node ${process.version}\n`);
console.log(
  "| phase | total ms | longest block ms | most CPU ms in one block |\n| --- | ---: | ---: | ---: |",
);
const first = createMemoryStore({ backend, clock, namespace: "b" });
row("first search: build + persist", await longestGap(() => first.memories.search({ query: "w1x" })));
const loaded = createMemoryStore({ backend, clock, namespace: "b" });
row("fresh process: load", await longestGap(() => loaded.memories.index.fresh()));
row(
  "its first search (a term in most memories)",
  await longestGap(() => loaded.memories.search({ query: "w1x" })),
);
row("its second search", await longestGap(() => loaded.memories.search({ query: "w1x" })));
// Enough changes to cross the threshold of the grown index.
const many = persistThreshold(Math.ceil(SIZE * 1.02));
for (let i = 0; i < many; i++) await writer.memories.create(input());
const caught = createMemoryStore({ backend, clock, namespace: "b" });
row(`load, catch up ${many}, persist`, await longestGap(() => caught.memories.index.fresh()));
const c = caught.memories.index.stats;
console.log(
  `| (of that: load ${c.lastLoadMs.toFixed(0)} ms, catch-up ${c.lastRefreshMs.toFixed(0)} ms, persist ${c.lastPersistMs.toFixed(0)} ms) | | | |`,
);
row("warm search", await longestGap(() => caught.memories.search({ query: "w1x" })));

const index = await caught.memories.index.fresh();
const bytes = Buffer.from((await backend.readDerived!("b", INDEX_SEGMENT_NAME))!);
const [decodeMs, decoded] = time(() => decodeSegment(bytes, "b", false));
if (!decoded.ok) throw new Error("not decoded");
const [resetMs] = time(() => new MemoryIndex().reset(decoded.segment));
/** The longest run between two points where sliced work may stop. */
function longestStep<T>(make: () => Steps<T>): [total: number, step: number, value: T] {
  // The least of three runs: a garbage collection may fall in any one step of a run.
  const runs = [0, 1, 2].map(() => longestStepOnce(make()));
  const best = runs.reduce((a, b) => (b[1] < a[1] ? b : a));
  return [Math.min(...runs.map((r) => r[0])), best[1], best[2]];
}
function longestStepOnce<T>(steps: Steps<T>): [total: number, step: number, value: T] {
  const start = performance.now();
  let step = 0;
  for (;;) {
    const s0 = performance.now();
    const r = steps.next();
    step = Math.max(step, performance.now() - s0);
    if (r.done) return [performance.now() - start, step, r.value];
  }
}
const state = { namespace: "b", seenSeq: 1, anchor: "1", pending: [] };
// A loaded index with changes (base + own), and one built from nothing (all own).
const built = new MemoryIndex();
for (const m of index.memories()) built.upsert(m);
const [snapMs, snapStep, snap] = longestStep(() => index.snapshotSteps(state));
const [snapBuiltMs, snapBuiltStep, snapBuilt] = longestStep(() => built.snapshotSteps(state));
const [encodeMs, encodeStep, out] = longestStep(() => encodeSteps(snap));
const [encodeBuiltMs, encodeBuiltStep] = longestStep(() => encodeSteps(snapBuilt));
console.log("\n| step | total ms | longest unsliced part ms |\n| --- | ---: | ---: |");
console.log(
  `| decodeSegment (${(bytes.length / 2 ** 20).toFixed(1)} MiB, all at once; a load runs it sliced) | ${decodeMs.toFixed(0)} | ${decodeMs.toFixed(0)} |`,
);
console.log(
  `| MemoryIndex.reset(segment), all at once (sliced when loading) | ${resetMs.toFixed(0)} | ${resetMs.toFixed(0)} |`,
);
console.log(`| snapshot, loaded index + changes | ${snapMs.toFixed(0)} | ${snapStep.toFixed(1)} |`);
console.log(`| snapshot, built index | ${snapBuiltMs.toFixed(0)} | ${snapBuiltStep.toFixed(1)} |`);
console.log(
  `| encode (${(out.length / 2 ** 20).toFixed(1)} MiB) | ${encodeMs.toFixed(0)} | ${encodeStep.toFixed(1)} |`,
);
console.log(`| encode, built index | ${encodeBuiltMs.toFixed(0)} | ${encodeBuiltStep.toFixed(1)} |`);
