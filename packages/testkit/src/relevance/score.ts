/**
 * Scoring of the relevance benchmark: recall@5 (share of a query's relevant memories in the top 5) and
 * mean reciprocal rank of the first relevant memory in the top 10, overall and per query form.
 */
import type { BenchQuery, QueryForm } from "./queries.js";

/** Recall@5 and MRR of one engine, overall and per query form. */
export interface EngineScores {
  recallAt5: number;
  mrr: number;
  byForm: Record<QueryForm, { recallAt5: number; mrr: number; queries: number }>;
  /** Queries whose relevant memories were not all in the top 5, with the ids ranked instead. */
  misses: { query: string; relevant: string[]; top5: string[] }[];
}

/** Ranks the benchmark ids for a query, best first. */
export type Ranker = (query: string) => Promise<string[]>;

/** Recall@5 and MRR of a ranker over the queries (the first relevant hit counts within the top 10). */
export async function scoreRanker(queries: readonly BenchQuery[], rank: Ranker): Promise<EngineScores> {
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
