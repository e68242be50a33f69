import { createManualClock, type DeepMemory, type MemoryBackend } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { T0 } from "../test/fixture.js";
import { createMemoryStore, type MemorySearchInput, type MemoryStore } from "./index.js";
import { encodeSegment, encodeSegmentSliced, runSliced, Slicer } from "./index-segment.js";
import { MemoryIndex } from "./memory-index.js";
import {
  INDEX_SEGMENT_NAME,
  PERSIST_INTERVAL_MS,
  PERSIST_MIN_CHANGES,
  persistThreshold,
} from "./memory-sync.js";
import { decodeSegment } from "./segment-decode.js";

const WORDS = "redis cache pool cluster slot key value ttl expiry lock café naïve déjà".split(" ");
const QUERIES: MemorySearchInput[] = [
  { query: "redis", limit: 50 },
  { query: "pool cluster lock", limit: 50 },
  { query: "pooling clustr lokc", limit: 50 },
  { query: "the keys of a value", limit: 50 },
  { query: "cafe deja", tags: ["a"], limit: 50 },
  { tags: ["b", "c"], tagMode: "any", limit: 50 },
  { query: "ttl", kinds: ["lesson"], minImportance: 0.3, limit: 50 },
  { query: "key value", boostTags: ["a"], limit: 50 },
  { limit: 100 },
];

type Op =
  | { kind: "create"; writer: 0 | 1; words: number[]; tags: string[]; importance: number }
  | { kind: "update"; writer: 0 | 1; target: number; words: number[] }
  | { kind: "delete"; writer: 0 | 1; target: number }
  | { kind: "search"; writer: 0 | 1 }
  | { kind: "snapshot" };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      writer: fc.constantFrom(0 as const, 1 as const),
      words: fc.array(fc.nat(WORDS.length - 1), { minLength: 1, maxLength: 8 }),
      tags: fc.subarray(["a", "b", "c"]),
      importance: fc.integer({ min: 0, max: 10 }).map((x) => x / 10),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("update" as const),
      writer: fc.constantFrom(0 as const, 1 as const),
      target: fc.nat(),
      words: fc.array(fc.nat(WORDS.length - 1), { minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("delete" as const),
      writer: fc.constantFrom(0 as const, 1 as const),
      target: fc.nat(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("search" as const),
      writer: fc.constantFrom(0 as const, 1 as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("snapshot" as const) }) },
);

const search = async (store: MemoryStore) => {
  const out = [];
  for (const q of QUERIES) out.push(await store.memories.search(q));
  return out;
};

/** A store as a new process would open it (nothing shared but the backend). */
const open = (backend: MemoryBackend, clock: ReturnType<typeof createManualClock>) =>
  createMemoryStore({ backend, clock, namespace: "p" });

describe("persisted search index", () => {
  it("gives the same results fresh, persisted, stale and corrupt, after interleaved writes of two writers", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const clock = createManualClock(T0);
        const backend = createInMemoryBackend({ clock });
        const writers = [open(backend, clock), open(backend, clock)];
        const ids: string[] = [];
        let stale: Uint8Array | null = null;
        for (const o of ops) {
          clock.advance(1000);
          const w = o.kind === "snapshot" ? writers[0]! : writers[o.writer]!;
          if (o.kind === "create") {
            const m = await w.memories.create({
              content: o.words.map((i) => WORDS[i]).join(" "),
              tags: o.tags,
              importance: o.importance,
              kind: o.words.length % 2 ? "lesson" : "observation",
            });
            ids.push(m.id);
          } else if (o.kind === "update" && ids.length) {
            const id = ids[o.target % ids.length]!;
            await w.memories
              .update({ id, content: o.words.map((i) => WORDS[i]).join(" ") })
              .catch((e: { code?: string }) => {
                if (e.code !== "MEMORY_NOT_FOUND") throw e;
              });
          } else if (o.kind === "delete" && ids.length) {
            await w.memories.delete({ id: ids[o.target % ids.length]! }).catch(() => undefined);
          } else if (o.kind === "search") {
            await w.memories.search({ query: "redis" }); // persists what this writer saw
          } else if (o.kind === "snapshot") {
            stale = await backend.readDerived!("p", INDEX_SEGMENT_NAME);
          }
        }
        // Persisted: a new process loads what the writers last wrote and catches up.
        const persisted = await search(open(backend, clock));
        // Fresh: the persisted index replaced by nothing usable, so the new process builds.
        const written = await backend.readDerived!("p", INDEX_SEGMENT_NAME);
        await backend.writeDerived!("p", INDEX_SEGMENT_NAME, new Uint8Array(0));
        const builder = open(backend, clock);
        const fresh = await search(builder);
        expect(builder.memories.index.stats.builds).toBe(1);
        if (written) expect(persisted).toEqual(fresh);
        // Stale: an older index, caught up from the log.
        if (stale) {
          await backend.writeDerived!("p", INDEX_SEGMENT_NAME, stale);
          expect(await search(open(backend, clock))).toEqual(fresh);
        }
        // Corrupt: a flipped byte or a torn file is rebuilt, never trusted.
        const current = await backend.readDerived!("p", INDEX_SEGMENT_NAME);
        if (current) {
          const flipped = new Uint8Array(current);
          flipped[Math.floor(flipped.length / 2)]! ^= 0x40;
          await backend.writeDerived!("p", INDEX_SEGMENT_NAME, flipped);
          const store = open(backend, clock);
          expect(await search(store)).toEqual(fresh);
          expect(store.memories.index.stats.lastRejected).toBe("damaged");
          await backend.writeDerived!("p", INDEX_SEGMENT_NAME, current.subarray(0, current.length - 7));
          expect(await search(open(backend, clock))).toEqual(fresh);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("a fresh process loads the persisted index instead of building, and catches up other writers", async () => {
    const clock = createManualClock(T0);
    const backend = createInMemoryBackend({ clock });
    const writer = open(backend, clock);
    for (let i = 0; i < 50; i++) await writer.memories.create({ content: `note ${i} about redis pools` });
    await writer.memories.search({ query: "redis" });
    expect(writer.memories.index.stats).toMatchObject({ builds: 1, persists: 1 });
    const later = await writer.memories.create({ content: "a new redis lesson" });
    const reader = open(backend, clock);
    const hits = await reader.memories.search({ query: "lesson" });
    expect(hits.map((h) => h.memory.id)).toEqual([later.id]);
    expect(reader.memories.index.stats).toMatchObject({ builds: 0, loads: 1 });
  });

  it("rejects another namespace's index, a foreign log's, and garbage, then rebuilds", async () => {
    const clock = createManualClock(T0);
    const a = createInMemoryBackend({ clock });
    const b = createInMemoryBackend({ clock });
    const sa = open(a, clock);
    const sb = open(b, clock);
    await sa.memories.create({ content: "only in store a" });
    await sb.memories.create({ content: "only in store b" });
    await sb.memories.create({ content: "second in store b" });
    await sa.memories.search({});
    await sb.memories.search({});
    const fromA = (await a.readDerived!("p", INDEX_SEGMENT_NAME))!;
    expect(decodeSegment(Buffer.from(fromA), "other")).toEqual({ ok: false, reason: "namespace" });
    // Store b's log differs at the seq store a's index was written at: foreign.
    await b.writeDerived!("p", INDEX_SEGMENT_NAME, fromA);
    const reader = open(b, clock);
    const hits = await reader.memories.search({});
    expect(hits.map((h) => h.memory.content).sort()).toEqual(["only in store b", "second in store b"]);
    expect(reader.memories.index.stats.lastRejected).toBe("foreign");
    for (const junk of [new Uint8Array(0), Buffer.from("TTAMIDX1garbage"), Buffer.alloc(4096, 0xff)]) {
      await b.writeDerived!("p", INDEX_SEGMENT_NAME, junk);
      const s = open(b, clock);
      expect((await s.memories.search({})).length).toBe(2);
      expect(s.memories.index.stats.builds).toBe(1);
    }
  });

  it("a short-lived process that catches up a few changes does not rewrite the index; many changes do", async () => {
    const clock = createManualClock(T0);
    const backend = createInMemoryBackend({ clock });
    const writer = open(backend, clock);
    for (let i = 0; i < 50; i++) await writer.memories.create({ content: `note ${i} about redis pools` });
    await writer.memories.search({ query: "redis" });
    const base = await backend.readDerived!("p", INDEX_SEGMENT_NAME);
    const added = await writer.memories.create({ content: "one more redis lesson" });
    const one = open(backend, clock);
    expect((await one.memories.search({ query: "lesson" })).map((h) => h.memory.id)).toEqual([added.id]);
    expect(one.memories.index.stats).toMatchObject({
      loads: 1,
      builds: 0,
      persists: 0,
      lastRefreshChanges: 1,
    });
    expect(await backend.readDerived!("p", INDEX_SEGMENT_NAME)).toEqual(base);

    // One short of the threshold: still caught up, not persisted.
    expect(persistThreshold(1100)).toBe(PERSIST_MIN_CHANGES);
    for (let i = 2; i < PERSIST_MIN_CHANGES; i++) await writer.memories.create({ content: `later ${i}` });
    const below = open(backend, clock);
    expect((await below.memories.search({})).length).toBeGreaterThan(0);
    expect(below.memories.index.stats).toMatchObject({ loads: 1, persists: 0 });
    expect(below.memories.index.stats.lastRefreshChanges).toBe(PERSIST_MIN_CHANGES - 1);
    // The change that reaches it: the catching-up process rewrites the index, the next one loads it.
    await writer.memories.create({ content: "the last redis note" });
    const at = open(backend, clock);
    await at.memories.search({ query: "redis" });
    expect(at.memories.index.stats).toMatchObject({ loads: 1, persists: 1, lastPersistError: null });
    const next = open(backend, clock);
    const hits = await next.memories.search({ query: "redis", limit: 100 });
    expect(next.memories.index.stats).toMatchObject({ loads: 1, persists: 0, lastRefreshChanges: 0 });
    expect(hits.length).toBe(52);
  });

  it("a long-running process persists a small delta once it has held it for the interval", async () => {
    const clock = createManualClock(T0);
    const backend = createInMemoryBackend({ clock });
    const writer = open(backend, clock);
    for (let i = 0; i < 20; i++) await writer.memories.create({ content: `note ${i}` });
    await writer.memories.search({});
    const server = open(backend, clock);
    await server.memories.search({}); // loads
    await writer.memories.create({ content: "a fresh redis note" });
    clock.advance(PERSIST_INTERVAL_MS - 1);
    await server.memories.search({ query: "redis" });
    expect(server.memories.index.stats).toMatchObject({ loads: 1, persists: 0 });
    clock.advance(1);
    await server.memories.search({ query: "redis" });
    expect(server.memories.index.stats).toMatchObject({ loads: 1, persists: 1 });
    // Nothing new since: no rewrite however long it waits.
    clock.advance(10 * PERSIST_INTERVAL_MS);
    await server.memories.search({ query: "redis" });
    expect(server.memories.index.stats.persists).toBe(1);
    const reader = open(backend, clock);
    expect((await reader.memories.search({ query: "redis" })).length).toBe(1);
    expect(reader.memories.index.stats).toMatchObject({ loads: 1, lastRefreshChanges: 0 });
  });

  it("the first short-lived process after a quiet interval persists the changes the others caught up", async () => {
    const clock = createManualClock(T0);
    const backend = createInMemoryBackend({ clock });
    const writer = open(backend, clock);
    for (let i = 0; i < 20; i++) await writer.memories.create({ content: `note ${i}` });
    await writer.memories.search({});
    await open(backend, clock).memories.create({ content: "a fresh redis note" });
    const soon = open(backend, clock);
    await soon.memories.search({ query: "redis" });
    expect(soon.memories.index.stats).toMatchObject({ loads: 1, persists: 0, lastRefreshChanges: 1 });
    clock.advance(PERSIST_INTERVAL_MS);
    const later = open(backend, clock);
    await later.memories.search({ query: "redis" });
    expect(later.memories.index.stats).toMatchObject({ loads: 1, persists: 1, lastRefreshChanges: 1 });
    const next = open(backend, clock);
    await next.memories.search({ query: "redis" });
    expect(next.memories.index.stats).toMatchObject({ loads: 1, persists: 0, lastRefreshChanges: 0 });
  });
});

describe("sliced index work", () => {
  it("writes the same bytes sliced as at once, and gives the event loop turns meanwhile", async () => {
    const index = new MemoryIndex();
    for (let i = 0; i < 3000; i++) {
      const memory: DeepMemory = {
        id: `mem_${String(i).padStart(26, "0")}`,
        kind: i % 2 ? "lesson" : "observation",
        content: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} note ${i}`,
        tags: i % 3 ? ["a"] : ["b", "c"],
        importance: (i % 10) / 10,
        pinned: false,
        groupIds: [],
        version: 1,
        createdAt: T0,
        updatedAt: T0,
      };
      index.upsert(memory);
    }
    const state = { namespace: "p", seenSeq: 3, anchor: "{}", pending: [] };
    const once = encodeSegment(index.snapshot(state));
    // Another task that runs whenever the loop gets a turn (a chain of immediates, not a timer: a
    // timer's 1 ms granularity made the count depend on the machine's speed).
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    // A budget of 0: it stops at every point it may.
    const sliced = await encodeSegmentSliced(
      await runSliced(index.snapshotSteps(state), new Slicer(0)),
      new Slicer(0),
    );
    ticking = false;
    expect(Buffer.compare(once, sliced)).toBe(0);
    expect(turns).toBeGreaterThan(10);
    const decoded = decodeSegment(sliced, "p");
    expect(decoded.ok && decoded.segment.n).toBe(3000);
  });
});
