/**
 * The relevance evaluation: the benchmark's memories in a store, each query run through
 * `memory.search` (the public store API) and through a plain minisearch of the same contents with
 * its default configuration, scored as recall@5 and mean reciprocal rank (first relevant hit in the
 * top 10). Deterministic: a manual clock, the same data in the same order.
 */
import { createManualClock } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import {
  BENCH_MEMORIES,
  BENCH_QUERIES,
  type BenchMemory,
  type EngineScores,
  type Ranker,
  scoreRanker,
} from "@tta-dev/testkit/relevance";
import MiniSearch from "minisearch";
import { createMemoryStore } from "../../src/index.js";

/** The result of {@link evaluateRelevance}. */
export interface RelevanceReport {
  memories: number;
  queries: number;
  tta: EngineScores;
  minisearch: EngineScores;
}

/** tta's ranking through `memories.search` of a store holding `memories`. */
export async function ttaRanker(memories: readonly BenchMemory[] = BENCH_MEMORIES): Promise<Ranker> {
  const clock = createManualClock("2026-11-25T12:00:00.000Z");
  const store = createMemoryStore({ backend: createInMemoryBackend({ clock }), clock, namespace: "bench" });
  const benchId = new Map<string, string>();
  for (const m of memories) {
    const created = await store.memories.create({ content: m.content, kind: m.kind, tags: m.tags });
    benchId.set(created.id, m.id);
  }
  return async (query) =>
    (await store.memories.search({ query, limit: 10 })).map((h) => benchId.get(h.memory.id)!);
}

/** A plain minisearch over the contents: its default configuration and default search options. */
export function miniSearchRanker(memories: readonly BenchMemory[] = BENCH_MEMORIES): Ranker {
  const mini = new MiniSearch<BenchMemory>({ fields: ["content"], storeFields: ["content"] });
  mini.addAll(memories);
  return async (query) => mini.search(query).map((r) => r.id as string);
}

/**
 * Run the whole benchmark.
 *
 * @example
 * const report = await evaluateRelevance();
 * report.tta.recallAt5; // 0…1
 */
export async function evaluateRelevance(): Promise<RelevanceReport> {
  return {
    memories: BENCH_MEMORIES.length,
    queries: BENCH_QUERIES.length,
    tta: await scoreRanker(BENCH_QUERIES, await ttaRanker()),
    minisearch: await scoreRanker(BENCH_QUERIES, miniSearchRanker()),
  };
}
