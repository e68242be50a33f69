import { createManualClock, DEFAULT_LIMITS } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { populateMemories, sampleMemory } from "@tta-dev/testkit/populate";
import { describe, expect, it } from "vitest";
import { T0 } from "../test/fixture.js";
import { createMemoryStore } from "./index.js";
import { encodeSegment, STEP_SLOTS, type Steps } from "./index-segment.js";
import { MemoryIndex } from "./memory-index.js";
import { ScoreScratch, searchIndex, searchSteps } from "./memory-search.js";
import { planSearch } from "./search-plan.js";
import { decodeSegment, decodeSteps } from "./segment-decode.js";

/** Every word of the generated memories: each is in about half of them. */
const COMMON = "redis cache pool cluster slot key value ttl expiry lock queue shard replica";

function counted<T>(steps: Steps<T>): { yields: number; value: T } {
  let yields = 0;
  for (;;) {
    const r = steps.next();
    if (r.done) return { yields, value: r.value };
    yields++;
  }
}

/**
 * Run `work` beside a 1 ms interval timer; the longest time between its turns (counting from the start
 * and up to the end, so that work that never lets the loop turn counts whole).
 */
async function longestGap<T>(
  work: () => Promise<T>,
): Promise<{ value: T; gap: number; elapsed: number; turns: number }> {
  const started = performance.now();
  let last = started;
  let gap = 0;
  let turns = 0;
  const timer = setInterval(() => {
    turns++;
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 1);
  try {
    const value = await work();
    const end = performance.now();
    return { value, gap: Math.max(gap, end - last), elapsed: end - started, turns };
  } finally {
    clearInterval(timer);
  }
}

function loadedIndex(memories: number): { index: MemoryIndex; bytes: Buffer } {
  const built = new MemoryIndex();
  for (let n = 0; n < memories; n++) {
    const { content, tags } = sampleMemory(n);
    const at = new Date(Date.parse(T0) + n * 1000).toISOString();
    built.upsert({
      id: `mem_${String(n).padStart(26, "0")}`,
      namespace: "y",
      kind: "observation",
      content,
      tags,
      groupIds: [],
      importance: (n % 10) / 10,
      pinned: false,
      createdAt: at,
      updatedAt: at,
      version: 1,
    } as never);
  }
  const bytes = encodeSegment(built.snapshot({ namespace: "y", seenSeq: 1, anchor: "1", pending: [] }));
  const decoded = decodeSegment(bytes, "y");
  if (!decoded.ok) throw new Error(decoded.reason);
  const index = new MemoryIndex();
  index.reset(decoded.segment);
  return { index, bytes };
}

describe("long work of a search offers the event loop turns", () => {
  const { index, bytes } = loadedIndex(20_000);

  it("offers to stop at least once per slice of postings scored, with the results of the unsliced search", () => {
    const plan = planSearch({ query: COMMON, limit: 10 }, DEFAULT_LIMITS);
    const now = Date.parse(T0);
    const whole = searchIndex(index, plan, now, new ScoreScratch());
    const fresh = loadedIndex(20_000).index; // its lists are not decoded yet
    const { yields, value } = counted(searchSteps(fresh, plan, now, new ScoreScratch()));
    expect(value).toEqual(whole);
    expect(whole).toHaveLength(10);
    let postings = 0;
    for (const term of plan.terms)
      for (const f of [0, 1]) postings += index.liveCount(index.termParts(term, f));
    expect(postings).toBeGreaterThan(100_000);
    expect(yields).toBeGreaterThanOrEqual(Math.floor(postings / STEP_SLOTS));
  });

  it("offers to stop while decoding a segment, and decodes what the unsliced decoder does", () => {
    const { yields, value } = counted(decodeSteps(bytes, "y"));
    expect(value.ok).toBe(true);
    // The checksum alone walks the body a mebibyte at a time.
    expect(yields).toBeGreaterThanOrEqual(Math.floor(bytes.length / 2 ** 20));
    if (!value.ok) return;
    const again = new MemoryIndex();
    again.reset(value.segment);
    const plan = planSearch({ query: "redis shard", tags: ["t3"], limit: 20 }, DEFAULT_LIMITS);
    const now = Date.parse(T0);
    expect(searchIndex(again, plan, now, new ScoreScratch())).toEqual(
      searchIndex(index, plan, now, new ScoreScratch()),
    );
  });
});

/*
 * A process's first search over a persisted index of 100 000 memories loads it (checksum, decode,
 * columns) and scores every word of the generated memories: held in one turn that is a few hundred
 * milliseconds on the 2-core development machine. The guard is generous (garbage collection alone
 * pauses the loop for tens of milliseconds at this heap size, more with other suites beside it, and a
 * loaded machine deschedules the process for longer): the timer must get turns during the search (one
 * that never yields gives it none), and the longest hold must stay under 150 ms or, on a machine so
 * loaded that the whole search takes longer, 60 % of the search's time.
 */
const MEMORIES = 100_000;
const GUARD_MS = 150;

describe(`the event loop during a first search over ${MEMORIES} memories`, () => {
  it(`is never held for ${GUARD_MS} ms while a fresh store loads the index and scores common words`, async () => {
    const clock = createManualClock(T0);
    const backend = createInMemoryBackend({ clock });
    const writer = createMemoryStore({ backend, clock, namespace: "y" });
    await populateMemories((input) => writer.memories.create(input), MEMORIES, { concurrency: 200 });
    await writer.memories.search({ query: "redis" }); // builds and persists the index
    const reader = createMemoryStore({ backend, clock, namespace: "y" });
    const {
      value: hits,
      gap,
      elapsed,
      turns,
    } = await longestGap(() => reader.memories.search({ query: COMMON, limit: 10 }));
    expect(reader.memories.index.stats.loads).toBe(1);
    expect(hits).toEqual(await writer.memories.search({ query: COMMON, limit: 10 }));
    expect(turns, `turns of a 1 ms timer during a ${elapsed.toFixed(0)} ms search`).toBeGreaterThanOrEqual(5);
    const limit = Math.max(GUARD_MS, elapsed * 0.6);
    expect(
      gap,
      `longest time between two turns of a 1 ms timer, ms (search ${elapsed.toFixed(0)} ms)`,
    ).toBeLessThan(limit);
  }, 120_000);
});
