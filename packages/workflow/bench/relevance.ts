/**
 * The relevance benchmark for the context loader's default query: each benchmark query becomes a
 * session title (no user message, no query given), and the deep layer of the `plan` stage is ranked
 * against the labelled memories of `@tta-dev/testkit/relevance` (recall@5, MRR).
 */
import { createManualClock } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import {
  BENCH_MEMORIES,
  BENCH_QUERIES,
  type EngineScores,
  type Ranker,
  scoreRanker,
} from "@tta-dev/testkit/relevance";
import { createMemoryWorkflow } from "../src/index.js";

/** The loader's deep layer, for a session titled with the query. */
export async function loaderRanker(): Promise<Ranker> {
  const clock = createManualClock("2026-11-25T12:00:00.000Z");
  const wf = createMemoryWorkflow({ backend: createInMemoryBackend({ clock }), clock });
  const benchId = new Map<string, string>();
  for (const m of BENCH_MEMORIES) {
    const created = await wf.memory.memories.create({ content: m.content, kind: m.kind, tags: m.tags });
    benchId.set(created.id, m.id);
  }
  let n = 0;
  return async (title) => {
    const sessionId = `bench-q${++n}-2026-11-25`;
    await wf.memory.sessions.create({ id: sessionId, title });
    const loaded = await wf.loadWorkflowContext(
      { workflowId: "bench", sessionId, metadata: {}, state: {} },
      { stage: "plan", mode: "standard" },
    );
    return loaded.memory.layers.deep.map((h) => benchId.get(h.memory.id)!);
  };
}

/** Recall@5 and MRR of the loader's default query over the benchmark. */
export async function evaluateLoader(): Promise<EngineScores> {
  return scoreRanker(BENCH_QUERIES, await loaderRanker());
}
