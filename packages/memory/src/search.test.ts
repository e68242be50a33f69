import { createManualClock, type MemoryHit } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import MiniSearch from "minisearch";
import { describe, expect, it } from "vitest";
import { expectCode, SID, setup, T0 } from "../test/fixture.js";
import { createMemoryStore, finalScore, type MemoryCreateInput, textAnalyzer, tokenize } from "./index.js";

const contents = (hits: MemoryHit[]) => hits.map((h) => h.memory.content);
const DAY = 86_400_000;

describe("deep memory search", () => {
  it("ranks by text relevance, case- and accent-insensitively", async () => {
    const { store } = setup();
    await store.memories.create({ content: "Redis connection pooling matters for redis clients" });
    await store.memories.create({ content: "One mention of redis among many other unrelated words here" });
    await store.memories.create({ content: "Nothing to see" });
    await store.memories.create({ content: "Le café était fermé" });
    expect(contents(await store.memories.search({ query: "REDIS" }))).toEqual([
      "Redis connection pooling matters for redis clients",
      "One mention of redis among many other unrelated words here",
    ]);
    const cafe = await store.memories.search({ query: "CAFE etait" });
    expect(contents(cafe)).toEqual(["Le café était fermé"]);
    expect(cafe[0]!.matched).toEqual(["cafe", "etait"]);
  });

  it("pages: nextCursor until the last page, pages that join into one search, a bad cursor refused", async () => {
    const { store, clock } = setup();
    for (let i = 0; i < 23; i++) {
      await store.memories.create({
        content: `redis note ${i} ${"pool ".repeat(i % 4)}`,
        importance: (i % 5) / 5,
      });
      clock.advance(1_000);
    }
    const all = await store.memories.searchPage({ query: "redis pool", limit: 100 });
    expect(all.items).toHaveLength(23);
    expect(all.nextCursor).toBeNull();
    const paged: MemoryHit[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.memories.searchPage({
        query: "redis pool",
        limit: 5,
        ...(cursor ? { cursor } : {}),
      });
      paged.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(paged).toEqual(all.items);
    expect(await store.memories.search({ query: "redis pool", limit: 5, cursor: "20" })).toEqual(
      all.items.slice(20),
    );
    for (const bad of ["x", "-1", "1.5", "10001", "123456"]) {
      await expectCode(store.memories.searchPage({ query: "redis", cursor: bad }), "VALIDATION_FAILED");
    }
  });

  it("scores text like minisearch's own BM25+ search over the same index", async () => {
    const { store } = setup();
    const words = "redis cache pools cluster slot keys the value ttl expiry of locking".split(" ");
    for (let i = 0; i < 60; i++) {
      const content = Array.from(
        { length: 2 + (i % 9) },
        (_, j) => words[(i * 3 + j * 7) % words.length],
      ).join(" ");
      await store.memories.create({ content, tags: i % 3 ? ["redis"] : ["other"] });
    }
    for (const query of ["redis", "pooling clusters", "ttl expiry locks the key"]) {
      const ours = await store.memories.search({ query, limit: 100 });
      const index = await store.memories.index.fresh();
      // minisearch's own BM25+ over the same memories, analysed the same way.
      const mini = new MiniSearch<{ id: string; content: string; tags: string }>({
        fields: ["content", "tags"],
        tokenize,
        processTerm: (term) => textAnalyzer().term(term),
      });
      mini.addAll(
        [...index.memories()].map((m) => ({ id: m.id, content: m.content, tags: m.tags.join(" ") })),
      );
      const found = mini.search(query, { prefix: false, fuzzy: false, combineWith: "OR" });
      const reference = new Map(found.map((r) => [r.id as string, r.score]));
      expect(ours.length).toBe(Math.min(100, reference.size));
      for (const hit of ours) expect(hit.score).toBeCloseTo(reference.get(hit.memory.id)!, 6);
    }
  });

  it("weights by importance and by a recency decay, with the documented formula", async () => {
    const { store, clock } = setup();
    const old = await store.memories.create({ content: "alpha", importance: 0.5 });
    clock.advance(30 * DAY);
    const fresh = await store.memories.create({ content: "alpha", importance: 0.5 });
    const important = await store.memories.create({ content: "alpha", importance: 1 });
    const hits = await store.memories.search({});
    expect(hits.map((h) => h.memory.id)).toEqual([important.id, fresh.id, old.id]);
    expect(hits.map((h) => h.score)).toEqual([
      finalScore(1, 1, 0, 0),
      finalScore(1, 0.5, 0, 0),
      finalScore(1, 0.5, 30 * DAY, 0),
    ]);
    expect(hits[2]!.score).toBeCloseTo(1 * 0.75, 9); // one half-life: 0.5 + 0.5 × 0.5
  });

  it("puts pinned memories first, then breaks ties by createdAt then id (newest first)", async () => {
    const { store, clock } = setup();
    const a = await store.memories.create({ content: "same text" });
    const b = await store.memories.create({ content: "same text" });
    clock.advance(1);
    const c = await store.memories.create({ content: "same text" });
    const pinned = await store.memories.create({ content: "same text", importance: 0, pinned: true });
    clock.advance(0);
    const hits = await store.memories.search({ query: "text" });
    expect(hits.map((h) => h.memory.id)).toEqual([pinned.id, c.id, b.id, a.id]);
    expect(hits[2]!.score).toBe(hits[3]!.score);
  });

  it("filters by tags (all or any), kinds, minImportance, sessionId, groupId and since", async () => {
    const { store, clock } = setup();
    await store.sessions.create({ id: SID });
    const mk = (content: string, extra: Partial<MemoryCreateInput> = {}) =>
      store.memories.create({ content, ...extra });
    await mk("one", { tags: ["a", "b"], kind: "lesson", importance: 0.9, sessionId: SID });
    await mk("two", { tags: ["a"], kind: "decision", importance: 0.2, groupIds: ["g1"] });
    clock.advance(DAY);
    await mk("three", { tags: ["c"], kind: "failure", importance: 0.6, groupIds: ["g1", "g2"] });
    const find = async (input: Parameters<typeof store.memories.search>[0]) =>
      contents(await store.memories.search(input)).sort();
    expect(await find({ tags: ["a", "b"] })).toEqual(["one"]);
    expect(await find({ tags: ["A", "c"], tagMode: "any" })).toEqual(["one", "three", "two"]);
    expect(await find({ tags: ["a", "zzz"] })).toEqual([]);
    expect(await find({ kinds: ["lesson", "failure"] })).toEqual(["one", "three"]);
    expect(await find({ minImportance: 0.6 })).toEqual(["one", "three"]);
    expect(await find({ sessionId: SID })).toEqual(["one"]);
    expect(await find({ groupId: "g1" })).toEqual(["three", "two"]);
    expect(await find({ since: "2026-11-26T00:00:00.000Z" })).toEqual(["three"]);
    expect(await find({ query: "one two three", tags: ["a"], kinds: ["decision"] })).toEqual(["two"]);
    const [hit] = await store.memories.search({ query: "one", tags: ["a"], boostTags: ["b"] });
    expect(hit!.matched).toEqual(["one", "tag:a", "tag:b"]);
  });

  it("returns 10 by default and at most 100", async () => {
    const { store } = setup();
    for (let i = 0; i < 120; i++) await store.memories.create({ content: `note ${i}` });
    expect(await store.memories.search({ query: "note" })).toHaveLength(10);
    expect(await store.memories.search({ limit: 100 })).toHaveLength(100);
    await expectCode(store.memories.search({ limit: 101 }), "VALIDATION_FAILED");
    await expectCode(store.memories.search({ limit: 0 }), "VALIDATION_FAILED");
  });

  it("boosts memories carrying boostTags without filtering the others", async () => {
    const { store } = setup();
    const plain = await store.memories.create({ content: "cache invalidation" });
    const tagged = await store.memories.create({ content: "cache invalidation", tags: ["auth"] });
    await store.memories.create({ content: "unrelated" });
    const hits = await store.memories.search({ query: "cache", boostTags: ["auth"] });
    expect(hits.map((h) => h.memory.id)).toEqual([tagged.id, plain.id]);
    expect(hits[0]!.score / hits[1]!.score).toBeCloseTo(1.2, 6);
  });

  it("gives the same order and scores for the same data whatever the insertion order or history", async () => {
    const words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split(" ");
    const docs = Array.from({ length: 80 }, (_, i) => ({
      content: Array.from({ length: 3 + (i % 7) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(" "),
      tags: [`t${i % 4}`],
      importance: (i % 5) / 4,
      pinned: i % 17 === 0,
    }));
    const build = async (order: number[], noise: boolean) => {
      const clock = createManualClock(T0);
      const backend = createInMemoryBackend({ clock });
      const store = createMemoryStore({ backend, clock, namespace: "det" });
      const ids = new Map<number, string>();
      // Creation times are the same per document, whatever the order.
      for (const i of order) {
        clock.set(Date.parse(T0) + i * 1000);
        if (noise) {
          const junk = await store.memories.create({ content: "junk text alpha beta" });
          await store.memories.search({ query: "alpha" });
          await store.memories.delete({ id: junk.id });
        }
        const m = await store.memories.create(docs[i]!);
        ids.set(i, m.id);
      }
      clock.set(Date.parse(T0) + 200_000);
      return { store, index: new Map([...ids].map(([i, id]) => [id, i])) };
    };
    const forward = Array.from({ length: docs.length }, (_, i) => i);
    const shuffled = [...forward].sort((a, b) => ((a * 37) % 83) - ((b * 37) % 83));
    const one = await build(forward, false);
    const two = await build(shuffled, true);
    for (const input of [
      { query: "alpha beta" },
      { query: "gamma", limit: 50 },
      { query: "kappa lambda mu", tagMode: "any" as const, tags: ["t1", "t2"] },
      { limit: 100 },
      { tags: ["t3"], minImportance: 0.5 },
    ]) {
      const a = await one.store.memories.search(input);
      const b = await two.store.memories.search(input);
      expect(a.length).toBeGreaterThan(0);
      expect(a.map((h) => [one.index.get(h.memory.id), h.score, h.matched])).toEqual(
        b.map((h) => [two.index.get(h.memory.id), h.score, h.matched]),
      );
    }
  });
});

describe("read-your-writes across instances", () => {
  it("finds in one store's search what another store just wrote, updated or deleted", async () => {
    const clock = createManualClock(T0);
    const backend = createInMemoryBackend({ clock });
    const a = createMemoryStore({ backend, clock, namespace: "shared" });
    const b = createMemoryStore({ backend, clock, namespace: "shared" });
    expect(await b.memories.search({ query: "zebra" })).toEqual([]); // b's index is built and warm
    const m = await a.memories.create({ content: "zebra crossing", tags: ["road"] });
    expect((await b.memories.search({ query: "zebra" })).map((h) => h.memory.id)).toEqual([m.id]);
    await a.memories.update({ id: m.id, content: "giraffe crossing" });
    expect(await b.memories.search({ query: "zebra" })).toEqual([]);
    expect((await b.memories.search({ query: "giraffe" }))[0]!.memory.version).toBe(2);
    await a.memories.delete({ id: m.id });
    expect(await b.memories.search({ query: "giraffe" })).toEqual([]);
    expect(b.memories.index.stats).toMatchObject({ builds: 1, refreshes: 3 });
  });

  it("builds the index on first use from memories already stored, across list pages", async () => {
    const clock = createManualClock(T0);
    const backend = createInMemoryBackend({ clock });
    const a = createMemoryStore({ backend, clock, namespace: "pages" });
    for (let i = 0; i < 1100; i++)
      await a.memories.create({ content: `item ${i} ${i % 2 ? "odd" : "even"}` });
    const b = createMemoryStore({ backend, clock, namespace: "pages" });
    expect(await b.memories.search({ query: "odd", limit: 100 })).toHaveLength(100);
    expect((await b.memories.search({ query: "1099" }))[0]!.memory.content).toBe("item 1099 odd");
  });

  it("serves concurrent searches with one refresh and never misses a write made before a search", async () => {
    const { store, backend, clock, namespace } = setup();
    const other = createMemoryStore({ backend, clock, namespace });
    await store.memories.search({});
    const writes = Array.from({ length: 10 }, (_, i) => other.memories.create({ content: `w${i} word` }));
    await Promise.all(writes);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => store.memories.search({ query: "word", limit: 20 })),
    );
    for (const r of results) expect(r).toHaveLength(10);
  });
});
