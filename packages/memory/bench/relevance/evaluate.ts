/**
 * The relevance evaluation: the benchmark's memories in a store, each query run through
 * `memory.search` (the public store API) and through a plain minisearch of the same contents with
 * its default configuration, scored as recall@5 and mean reciprocal rank (first relevant hit in the
 * top 10). Deterministic: a manual clock, the same data in the same order.
 */
import { createManualClock } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import MiniSearch from "minisearch";
import { createMemoryStore } from "../../src/index.js";
import { BENCH_MEMORIES, type BenchMemory } from "./memories.js";
import { BENCH_QUERIES, type BenchQuery, type QueryForm } from "./queries.js";

/** Recall@5 and MRR of one engine, overall and per query form. */
export interface EngineScores {
  recallAt5: number;
  mrr: number;
  byForm: Record<QueryForm, { recallAt5: number; mrr: number; queries: number }>;
  /** Queries whose relevant memories were not all in the top 5, with the ids ranked instead. */
  misses: { query: string; relevant: string[]; top5: string[] }[];
}

/** The result of {@link evaluateRelevance}. */
export interface RelevanceReport {
  memories: number;
  queries: number;
  tta: EngineScores;
  minisearch: EngineScores;
}

type Ranker = (query: string) => Promise<string[]>;

async function score(queries: readonly BenchQuery[], rank: Ranker): Promise<EngineScores> {
  let recall = 0;
  let rr = 0;
  const byForm = {} as EngineScores["byForm"];
  const misses: EngineScores["misses"] = [];
  for (const q of queries) {
    const ranked = (await rank(q.query)).slice(0, 10);
    const top5 = ranked.slice(0, 5);
    const found = q.relevant.filter((id) => top5.includes(id)).length / q.relevant.length;
    const first = ranked.findIndex((id) => q.relevant.includes(id));
    const reciprocal = first < 0 ? 0 : 1 / (first + 1);
    recall += found;
    rr += reciprocal;
    byForm[q.form] ??= { recallAt5: 0, mrr: 0, queries: 0 };
    const f = byForm[q.form];
    f.recallAt5 += found;
    f.mrr += reciprocal;
    f.queries++;
    if (found < 1) misses.push({ query: q.query, relevant: q.relevant, top5 });
  }
  for (const f of Object.values(byForm)) {
    f.recallAt5 = round(f.recallAt5 / f.queries);
    f.mrr = round(f.mrr / f.queries);
  }
  return { recallAt5: round(recall / queries.length), mrr: round(rr / queries.length), byForm, misses };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

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
    tta: await score(BENCH_QUERIES, await ttaRanker()),
    minisearch: await score(BENCH_QUERIES, miniSearchRanker()),
  };
}
