import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createManualClock, SEARCH_LANGUAGES } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { describe, expect, it } from "vitest";
import { expectCode, setup, T0 } from "../test/fixture.js";
import { analyseQuery, createMemoryStore, normalizeTerm, textAnalyzer } from "./index.js";
import { encodeSegment } from "./index-segment.js";
import { MemoryIndex, withinOneEdit } from "./memory-index.js";
import { INDEX_SEGMENT_NAME } from "./memory-sync.js";
import { decodeSegment } from "./segment-decode.js";

const contents = (hits: { memory: { content: string } }[]) => hits.map((h) => h.memory.content);

describe("text analysis", () => {
  it("drops stop words and stems what is left, after folding case and accents", () => {
    const en = textAnalyzer();
    expect(["on", "for", "a", "is", "The", "AND"].map((w) => en.term(w))).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(["pool", "pools", "pooling", "pooled", "Pooling"].map((w) => en.term(w))).toEqual(
      Array(5).fill("pool"),
    );
    expect(["connection", "connections", "connected", "connect"].map((w) => en.term(w))).toEqual(
      Array(4).fill("connect"),
    );
    expect(en.term("Café")).toBe(en.term("cafe"));
    expect(analyseQuery("it is on the way").terms).toEqual([]);
  });

  it("has stop words and a stemmer for every language it offers", () => {
    const aStopWord: Record<string, string> = {
      danish: "og",
      dutch: "de",
      english: "the",
      finnish: "ja",
      french: "le",
      german: "und",
      hungarian: "az",
      italian: "il",
      norwegian: "og",
      portuguese: "de",
      romanian: "și",
      russian: "и",
      spanish: "el",
      swedish: "och",
      turkish: "ve",
    };
    for (const language of SEARCH_LANGUAGES) {
      const a = textAnalyzer(language);
      expect(a.id).toBe(`snowball-${language}-2`);
      expect(a.term(aStopWord[language]!)).toBeNull();
      expect(a.term("postgres")).not.toBeNull();
    }
    expect(textAnalyzer("french").term("serveurs")).toBe(textAnalyzer("french").term("serveur"));
    expect(textAnalyzer("german").term("und")).toBeNull();
    expect(textAnalyzer("spanish").term("bases")).toBe(textAnalyzer("spanish").term("base"));
  });

  it("says when a query holds only stop words", () => {
    expect(analyseQuery("on")).toEqual({ terms: [], onlyStopWords: true });
    expect(analyseQuery("is it for a")).toEqual({ terms: [], onlyStopWords: true });
    expect(analyseQuery("")).toEqual({ terms: [], onlyStopWords: false });
    expect(analyseQuery("Work on the Redis pools")).toEqual({
      terms: ["work", "redi", "pool"],
      onlyStopWords: false,
    });
  });

  it("refuses an unknown language with VALIDATION_FAILED naming search.language", async () => {
    const error = await expectCode(
      Promise.resolve().then(() =>
        createMemoryStore({ backend: createInMemoryBackend(), search: { language: "klingon" } }),
      ),
      "VALIDATION_FAILED",
    );
    expect(error.details).toMatchObject({ issues: [{ path: "search.language" }] });
  });
});

describe("search with stop words and stemming", () => {
  it("finds plural, singular and other verb forms, and lists the analysed terms matched", async () => {
    const { store } = setup();
    await store.memories.create({ content: "Pool Redis connections per process", kind: "lesson" });
    await store.memories.create({ content: "Migrations run before the deploy", kind: "decision" });
    await store.memories.create({ content: "Nothing related here" });
    const pooled = await store.memories.search({ query: "pooling connection" });
    expect(contents(pooled)).toEqual(["Pool Redis connections per process"]);
    expect(pooled[0]!.matched).toEqual(["pool", "connect"]);
    expect(contents(await store.memories.search({ query: "migration running" }))).toEqual([
      "Migrations run before the deploy",
    ]);
  });

  it("returns no text match for a query made only of stop words, and says so to the logger", async () => {
    const warnings: string[] = [];
    const { store } = setup({ logger: { warn: (message) => warnings.push(message) } });
    await store.memories.create({ content: "Work on the login page" });
    await store.memories.create({ content: "A note for later: it is fine" });
    for (const query of ["on", "for", "a", "is", "it is for a"]) {
      expect(await store.memories.search({ query })).toEqual([]);
    }
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toContain("stop word");
    // Stop words in a query change nothing about its other terms.
    const plain = await store.memories.search({ query: "login" });
    const wordy = await store.memories.search({ query: "on the login" });
    expect(wordy).toEqual(plain);
  });

  it("analyses in the configured language", async () => {
    const { store } = setup({ search: { language: "french" } });
    await store.memories.create({ content: "Les serveurs sont réutilisés" });
    const hits = await store.memories.search({ query: "serveur réutilisé" });
    expect(contents(hits)).toEqual(["Les serveurs sont réutilisés"]);
    expect(await store.memories.search({ query: "les sont" })).toEqual([]);
  });
});

describe("typos", () => {
  it("takes a word no memory holds for the live term one edit away, the most frequent one", async () => {
    const { store } = setup();
    await store.memories.create({ content: "Pool Redis connections per process" });
    await store.memories.create({ content: "Redis cluster slots and hash tags" });
    await store.memories.create({ content: "Another cluster note" });
    const hits = await store.memories.search({ query: "conection" });
    expect(contents(hits)).toEqual(["Pool Redis connections per process"]);
    expect(hits[0]!.matched).toEqual(["connect"]);
    expect(contents(await store.memories.search({ query: "clustr solts" }))).toEqual([
      "Redis cluster slots and hash tags",
      "Another cluster note",
    ]);
    // Short words are never corrected: too many others are one edit away.
    expect(await store.memories.search({ query: "pol" })).toEqual([]);
    expect(await store.memories.search({ query: "zzzzzz" })).toEqual([]);
  });

  it("counts one insertion, deletion, replacement or swap of adjacent letters as one edit", () => {
    for (const [a, b] of [
      ["clustr", "cluster"],
      ["cluster", "clustr"],
      ["clustar", "cluster"],
      ["culster", "cluster"],
      ["xcluster", "cluster"],
    ]) {
      expect(withinOneEdit(a!, b!)).toBe(true);
    }
    for (const [a, b] of [
      ["cluster", "cluster"],
      ["clstr", "cluster"],
      ["ulcster", "cluster"],
      ["abcd", "abdx"],
    ]) {
      expect(withinOneEdit(a!, b!)).toBe(false);
    }
  });
});

describe("the persisted index and its analysis", () => {
  it("rebuilds an index written with another analysis instead of mixing terms", async () => {
    const clock = createManualClock(T0);
    const backend = createInMemoryBackend({ clock });
    const open = (language?: string) =>
      createMemoryStore({ backend, clock, namespace: "p", ...(language ? { search: { language } } : {}) });
    const writer = open();
    await writer.memories.create({ content: "Pooling Redis connections" });
    await writer.memories.create({ content: "Rotate the refresh tokens" });
    await writer.memories.search({ query: "redis" });
    const written = Buffer.from((await backend.readDerived!("p", INDEX_SEGMENT_NAME))!);
    const decoded = decodeSegment(written, "p");
    if (!decoded.ok) throw new Error("the written index does not decode");

    // The same memories indexed the way earlier versions did: folded words, no stop words, no stems.
    const old = new MemoryIndex({
      language: "english",
      id: "words-fold-1",
      term: normalizeTerm,
      isStopWord: () => false,
    });
    for (let s = 0; s < decoded.segment.n; s++) old.upsert(decoded.segment.docAt(s));
    await backend.writeDerived!("p", INDEX_SEGMENT_NAME, encodeSegment(old.snapshot(decoded.segment.state)));
    const reader = open();
    expect(contents(await reader.memories.search({ query: "pool" }))).toEqual(["Pooling Redis connections"]);
    expect(reader.memories.index.stats).toMatchObject({ builds: 1, loads: 0, lastRejected: "analyser" });

    // A store analysing in another language does not use the English index either.
    const french = open("french");
    expect((await french.memories.search({ query: "tokens" })).length).toBe(1);
    expect(french.memories.index.stats).toMatchObject({ builds: 1, loads: 0, lastRejected: "analyser" });
  });
});

describe("boosts of linked memories", () => {
  it("raises memories linked to the boost session or a boost group by one boost", async () => {
    const { store } = setup();
    await store.sessions.create({ id: "redis-perf-2026-11-25", title: "Redis performance" });
    const own = await store.memories.create({
      content: "Pool Redis clients",
      sessionId: "redis-perf-2026-11-25",
    });
    const other = await store.memories.create({ content: "Pool Redis clients" });
    const plain = await store.memories.search({ query: "redis" });
    expect(plain.map((h) => h.memory.id)).toEqual([other.id, own.id]); // newer first on a tie
    const boosted = await store.memories.search({ query: "redis", boostSessionId: "redis-perf-2026-11-25" });
    expect(boosted.map((h) => h.memory.id)).toEqual([own.id, other.id]);
    expect(boosted[0]!.score).toBeCloseTo(plain[1]!.score * 1.2, 8);
  });
});

describe("linked memories with no shared word", () => {
  const S = "redis-perf-2026-11-25";

  it("are candidates of a boosted search, scored as holding its most telling term once", async () => {
    const { store } = setup();
    await store.sessions.create({ id: S, title: "Work on the release" });
    const own = await store.memories.create({
      content: "Benchmark before tuning",
      sessionId: S,
      importance: 0.9,
    });
    const grouped = await store.memories.create({ content: "Keep the p99 budget", groupIds: ["perf-wave"] });
    const match = await store.memories.create({ content: "Release notes need work" });
    const unrelated = await store.memories.create({ content: "Benchmark the parser" });

    // A plain search: text matches only.
    const plain = await store.memories.search({ query: "release work" });
    expect(plain.map((h) => h.memory.id)).toEqual([match.id]);
    // Boosted: the linked ones join (not the unrelated one), after the memory matching both words.
    const boosted = await store.memories.search({
      query: "release work",
      boostSessionId: S,
      boostGroupIds: ["perf-wave"],
      explain: true,
    });
    expect(boosted.map((h) => h.memory.id)).toEqual([match.id, own.id, grouped.id]);
    expect(boosted.map((h) => h.memory.id)).not.toContain(unrelated.id);
    const [, ownHit, groupHit] = boosted;
    expect(ownHit!.matched).toEqual([]);
    expect(ownHit!.explain!.boostedBy).toEqual([`session:${S}`]);
    expect(groupHit!.explain!.boostedBy).toEqual(["group:perf-wave"]);
    // Holding the query's most telling term once at average length: idf × (d + 1).
    const n = 4;
    const idf = Math.log(1 + (n - 1 + 0.5) / (1 + 0.5));
    expect(ownHit!.explain!.text).toBeCloseTo(idf * 1.5, 5);
    // Filters still apply to them.
    const lessons = await store.memories.search({ query: "release", boostSessionId: S, kinds: ["lesson"] });
    expect(lessons).toEqual([]);
    // A query no memory matches at all still finds the session's own.
    const none = await store.memories.search({ query: "zebra quantum", boostSessionId: S });
    expect(none.map((h) => h.memory.id)).toEqual([own.id]);
  });

  it("give the same pages as one search", async () => {
    const { store } = setup();
    await store.sessions.create({ id: S });
    for (let i = 0; i < 12; i++) {
      await store.memories.create({ content: `Note ${i} about ${i % 2 ? "redis" : "tuning"}`, sessionId: S });
      await store.memories.create({ content: `Redis fact ${i}`, importance: (i % 10) / 10 });
    }
    const all = await store.memories.search({ query: "redis", boostSessionId: S, limit: 100 });
    expect(all).toHaveLength(24);
    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.memories.searchPage({
        query: "redis",
        boostSessionId: S,
        limit: 5,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(...page.items.map((h) => h.memory.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(pages).toEqual(all.map((h) => h.memory.id));
  });
});

describe("explain", () => {
  it("gives each hit the parts of its score, whose product is the score", async () => {
    const { store, clock } = setup();
    await store.sessions.create({ id: "redis-perf-2026-11-25", tags: ["redis"] });
    await store.memories.create({
      content: "Pool Redis connections",
      tags: ["redis", "perf"],
      importance: 0.8,
      sessionId: "redis-perf-2026-11-25",
    });
    await store.memories.create({ content: "Pooling helps under load", importance: 0.2 });
    clock.advance(10 * 24 * 3600 * 1000);
    const plain = await store.memories.search({ query: "pool" });
    expect(plain.every((h) => h.explain === undefined)).toBe(true);
    const hits = await store.memories.search({
      query: "pool",
      boostTags: ["perf", "redis"],
      boostSessionId: "redis-perf-2026-11-25",
      explain: true,
    });
    expect(hits.map((h) => h.score)).not.toEqual(plain.map((h) => h.score)); // the boosts count
    for (const h of hits) {
      const p = h.explain!;
      expect(p.text * p.importance * p.recency * p.boost).toBeCloseTo(h.score, 4);
      for (const x of [p.text, p.importance, p.recency, p.boost]) expect(Math.round(x * 1e6) / 1e6).toBe(x);
    }
    expect(hits[0]!.explain).toMatchObject({
      importance: 1.3,
      boost: 1.6, // two tags and the session link: three boosts
      boostedBy: ["tag:perf", "tag:redis", "session:redis-perf-2026-11-25"],
    });
    expect(hits[0]!.explain!.recency).toBeLessThan(1);
    expect(hits[0]!.explain!.recency).toBeGreaterThan(0.5);
    expect(hits[1]!.explain).toMatchObject({ importance: 0.7, boost: 1, boostedBy: [] });
    // Without a query, text is 1.
    const all = await store.memories.search({ explain: true });
    expect(all.map((h) => h.explain!.text)).toEqual([1, 1]);
  });
});

describe("loading", () => {
  it("loads the stop-word lists and stemmers on the first word analysed, not with the store", () => {
    const worker = fileURLToPath(new URL("../test/workers/lazy-text.mts", import.meta.url));
    const run = spawnSync(process.execPath, ["--conditions=source", "--import", "tsx", worker], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({ before: 0, after: 2 });
  });
});
