/**
 * Benchmarks of @tta-dev/memory on the in-memory backend: deep-memory search over 10k and 100k memories
 * (warm index, median and p99 per query, index build and refresh time) and session / message / cache
 * operations, each beside its floor (the raw backend call or raw minisearch) with the ratio.
 *
 * Run: pnpm bench   (BENCH_SIZES=10000,100000 BENCH_QUERIES=300 to change the defaults)
 */
import { createManualClock, type MemoryKind } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import MiniSearch from "minisearch";
import { createMemoryStore, type MemorySearchInput, textAnalyzer, tokenize } from "../src/index.js";

const SIZES = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const DAY = 86_400_000;
const T0 = Date.parse("2026-11-25T12:00:00.000Z");

/** A small seeded PRNG (mulberry32) so every run sees the same data. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = rng(42);
const SYLLABLES = [
  "ka",
  "lo",
  "mi",
  "ne",
  "ru",
  "ta",
  "vo",
  "shi",
  "pa",
  "de",
  "gri",
  "mon",
  "tel",
  "cas",
  "bri",
  "zu",
];
const VOCAB = Array.from({ length: 5000 }, (_, i) => {
  let w = "";
  let n = i + 1;
  while (n > 0) {
    w += SYLLABLES[n % SYLLABLES.length];
    n = Math.floor(n / SYLLABLES.length);
  }
  return w;
});
// Zipf-like word frequencies: word r is drawn with weight 1 / (r + 1).
const CUMULATIVE = (() => {
  let sum = 0;
  return VOCAB.map((_, r) => (sum += 1 / (r + 1)));
})();
function word(): string {
  const x = rand() * CUMULATIVE[CUMULATIVE.length - 1]!;
  let lo = 0;
  let hi = CUMULATIVE.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (CUMULATIVE[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return VOCAB[lo]!;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const TAGS = Array.from({ length: 200 }, (_, i) => `tag${i}`);
const KINDS: MemoryKind[] = ["observation", "lesson", "decision", "pattern", "failure"];
const SESSIONS = Array.from({ length: 1000 }, (_, i) => `comp${i % 50}-work${i}-2026-01-01`);

function memoryInput(i: number) {
  const words = Array.from({ length: 20 + Math.floor(rand() * 40) }, word).join(" ");
  return {
    content: `${words}.`,
    kind: pick(KINDS),
    tags: [...new Set(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(TAGS)))],
    importance: Math.round(rand() * 100) / 100,
    sessionId: pick(SESSIONS),
    groupIds: i % 10 === 0 ? [`group-${i % 30}`] : [],
    pinned: i % 500 === 0,
  };
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: at(0.5), p99: at(0.99), n: s.length };
}
const ms = (x: number) => `${x.toFixed(x < 1 ? 3 : 2)} ms`;
const us = (x: number) => `${(x * 1000).toFixed(1)} µs`;

type QueryKind = { name: string; make: () => MemorySearchInput };
const QUERY_KINDS: QueryKind[] = [
  { name: "1 common term", make: () => ({ query: VOCAB[Math.floor(rand() * 20)]! }) },
  { name: "1 mid term", make: () => ({ query: VOCAB[100 + Math.floor(rand() * 400)]! }) },
  // A word no memory holds: the typo fallback walks the vocabulary for a term one edit away.
  { name: "1 unknown word (typo)", make: () => ({ query: `${VOCAB[100 + Math.floor(rand() * 400)]!}qx` }) },
  { name: "3 terms", make: () => ({ query: `${word()} ${word()} ${word()}` }) },
  { name: "2 terms + tag", make: () => ({ query: `${word()} ${word()}`, tags: [pick(TAGS)] }) },
  {
    name: "term + kind + minImportance",
    make: () => ({ query: word(), kinds: [pick(KINDS)], minImportance: 0.5 }),
  },
  { name: "tags any (no query)", make: () => ({ tags: [pick(TAGS), pick(TAGS)], tagMode: "any" }) },
  { name: "session (no query)", make: () => ({ sessionId: pick(SESSIONS) }) },
  { name: "everything (no filter)", make: () => ({}) },
];

async function benchSearch(size: number) {
  const clock = createManualClock(T0);
  const backend = createInMemoryBackend({ clock });
  const writer = createMemoryStore({ backend, clock, namespace: "bench" });
  // Memories name the sessions they come from, which must exist.
  for (const id of SESSIONS) await writer.sessions.create({ id });
  const t0 = performance.now();
  for (let i = 0; i < size; i++) {
    clock.set(T0 - 365 * DAY + Math.floor((i / size) * 365 * DAY));
    await writer.memories.create(memoryInput(i));
  }
  const loadMs = performance.now() - t0;
  clock.set(T0);

  const reader = createMemoryStore({ backend, clock, namespace: "bench" });
  const heapBefore = process.memoryUsage().heapUsed;
  const b0 = performance.now();
  await reader.memories.search({ query: "warm" });
  const buildMs = performance.now() - b0;
  const heapMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

  const results: string[] = [];
  const all: number[] = [];
  for (const kind of QUERY_KINDS) {
    const inputs = Array.from({ length: Math.ceil(QUERIES / QUERY_KINDS.length) }, kind.make);
    for (const input of inputs.slice(0, 5)) await reader.memories.search(input); // warm up
    const samples: number[] = [];
    for (const input of inputs) {
      const s = performance.now();
      await reader.memories.search({ ...input, limit: 10 });
      samples.push(performance.now() - s);
    }
    all.push(...samples);
    const st = stats(samples);
    results.push(`| ${size} | ${kind.name} | ${ms(st.median)} | ${ms(st.p99)} |`);
  }
  const overall = stats(all);

  // Floor: raw minisearch over the same documents (default options, results built and sorted).
  const raw = new MiniSearch<{ id: string; content: string }>({
    fields: ["content"],
    processTerm: (t) => textAnalyzer().term(t),
    tokenize,
  });
  for (const m of (await reader.memories.index.fresh()).memories()) raw.add({ id: m.id, content: m.content });
  const rawSamples: number[] = [];
  for (let i = 0; i < 100; i++) {
    const q = `${word()} ${word()}`;
    const s = performance.now();
    raw.search(q).slice(0, 10);
    rawSamples.push(performance.now() - s);
  }
  const oursSamples: number[] = [];
  for (let i = 0; i < 100; i++) {
    const q = `${word()} ${word()}`;
    const s = performance.now();
    await reader.memories.search({ query: q });
    oursSamples.push(performance.now() - s);
  }

  // Refresh: another process writes 100 memories; the next search catches up.
  for (let i = 0; i < 100; i++) await writer.memories.create(memoryInput(i));
  const r0 = performance.now();
  await reader.memories.search({ query: word() });
  const refreshMs = performance.now() - r0;
  const noChange: number[] = [];
  for (let i = 0; i < 200; i++) {
    const s = performance.now();
    await reader.memories.index.fresh();
    noChange.push(performance.now() - s);
  }

  return {
    rows: results,
    summary: [`| ${size} | all ${all.length} queries | **${ms(overall.median)}** | ${ms(overall.p99)} |`],
    other: [
      `| ${size} | load through \`memories.create\` | ${ms(loadMs)} total, ${us(loadMs / size)} each |`,
      `| ${size} | index build on first search: total | ${ms(buildMs)} |`,
      `| ${size} | … of which waiting for the backend's \`list\` pages | ${ms(reader.memories.index.stats.lastBuildReadMs)} |`,
      `| ${size} | … of which parsing and indexing | ${ms(buildMs - reader.memories.index.stats.lastBuildReadMs)} |`,
      `| ${size} | heap growth of the reader after its build (index and memories) | about ${heapMiB.toFixed(0)} MiB |`,
      `| ${size} | refresh after 100 writes by another store (one search) | ${ms(refreshMs)} |`,
      `| ${size} | freshness check when nothing moved (median) | ${ms(stats(noChange).median)} |`,
      `| ${size} | 2-term search, ours vs raw minisearch \`search()\` (floor), median | ${ms(stats(oursSamples).median)} vs ${ms(stats(rawSamples).median)} (×${(stats(oursSamples).median / stats(rawSamples).median).toFixed(2)}) |`,
    ],
  };
}

async function timeIt(n: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(50, n); i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await fn(i);
    samples.push(performance.now() - s);
  }
  return stats(samples).median;
}

async function benchSessions(): Promise<string[]> {
  const clock = createManualClock(T0);
  const backend = createInMemoryBackend({ clock });
  const store = createMemoryStore({ backend, clock, namespace: "ops" });
  const raw = { namespace: "raw", collection: "messages", partition: "s" };
  const kib = "x".repeat(1024);
  const sid = "bench-messages-2026-11-25";
  await store.sessions.create({ id: sid });
  const rows: string[] = [];
  const row = (op: string, ours: number, floor?: number, floorName?: string) =>
    rows.push(
      `| ${op} | ${us(ours)} | ${floor === undefined ? "—" : `${us(floor)} (${floorName})`} | ${floor === undefined ? "—" : `×${(ours / floor).toFixed(1)}`} |`,
    );

  let n = 0;
  const create = await timeIt(2000, async () => store.sessions.create({ id: `bench-s${n++}-2026-11-25` }));
  const rawPut = await timeIt(2000, async (i) =>
    backend.put({ namespace: "raw", collection: "sessions" }, `s${i}-${n++}`, { id: "x" }, { ifVersion: 0 }),
  );
  row("session create", create, rawPut, "raw put");
  const get = await timeIt(5000, async () => store.sessions.get({ id: sid }));
  const rawGet = await timeIt(5000, async () =>
    backend.get({ namespace: "ops", collection: "sessions" }, sid),
  );
  row("session get", get, rawGet, "raw get");
  const list = await timeIt(200, async () => store.sessions.list({ limit: 100, component: "bench" }));
  row("session list (2 000 sessions, page of 100)", list);

  const append = await timeIt(10_000, async () => store.messages.append({ sessionId: sid, content: kib }));
  const rawAppend = await timeIt(10_000, async () =>
    backend.append(raw, [{ value: { role: "user", content: kib } }]),
  );
  row("message append, 1 KiB", append, rawAppend, "raw append");
  const batch = Array.from({ length: 100 }, () => ({ content: kib }));
  const appendBatch = await timeIt(300, async () =>
    store.messages.appendBatch({ sessionId: sid, messages: batch }),
  );
  const rawItems = batch.map((m) => ({ value: { role: "user", content: m.content } }));
  const rawBatch = await timeIt(300, async () => backend.append(raw, rawItems));
  row("message batch append, 100 × 1 KiB (per batch)", appendBatch, rawBatch, "raw append");
  const length = await backend.logLength({ namespace: "ops", collection: "messages", partition: sid });
  const last50 = await timeIt(2000, async () => store.messages.list({ sessionId: sid, last: 50 }));
  const rawLast50 = await timeIt(2000, async () =>
    backend.readLog(
      { namespace: "ops", collection: "messages", partition: sid },
      { fromEnd: true, limit: 50 },
    ),
  );
  row(`message list last 50 of ${length}`, last50, rawLast50, "raw readLog");
  const after = await timeIt(2000, async () =>
    store.messages.list({ sessionId: sid, afterSeq: length - 100, limit: 50 }),
  );
  row(`message list 50 after a seq`, after, rawLast50, "raw readLog");

  const set = await timeIt(5000, async (i) =>
    store.cache.set({ sessionId: sid, key: `k${i % 100}`, value: { v: i } }),
  );
  const rawSet = await timeIt(5000, async (i) =>
    backend.put(
      { namespace: "raw", collection: "cache", partition: "s" },
      `k${i % 100}`,
      { value: { v: i } },
      { ttlMs: 3_600_000 },
    ),
  );
  row("cache set", set, rawSet, "raw put with TTL");
  const cget = await timeIt(5000, async (i) => store.cache.get({ sessionId: sid, key: `k${i % 100}` }));
  row("cache get", cget, rawGet, "raw get");
  return rows;
}

async function main() {
  console.log(`node ${process.version}, ${QUERIES} queries per size\n`);
  console.log("## Deep-memory search (warm index, limit 10)\n");
  console.log("| memories | query | median | p99 |\n|---|---|---|---|");
  const others: string[] = [];
  const summaries: string[] = [];
  for (const size of SIZES) {
    const r = await benchSearch(size);
    for (const line of r.rows) console.log(line);
    summaries.push(...r.summary);
    others.push(...r.other);
  }
  console.log("\n| memories | overall | median | p99 |\n|---|---|---|---|");
  for (const line of summaries) console.log(line);
  console.log("\n| memories | what | time |\n|---|---|---|");
  for (const line of others) console.log(line);
  console.log("\n## Sessions, messages, cache (in-memory backend, medians)\n");
  console.log("| operation | ours | floor | ratio |\n|---|---|---|---|");
  for (const line of await benchSessions()) console.log(line);
}

await main();
