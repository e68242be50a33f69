export { BENCH_MEMORIES, type BenchMemory } from "./memories.js";
export { BENCH_QUERIES, type BenchQuery, type QueryForm } from "./queries.js";
export { type EngineScores, type Ranker, scoreRanker } from "./score.js";
