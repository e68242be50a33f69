export * from "./bundle/export.js";
export * from "./bundle/format.js";
export * from "./bundle/import.js";
export * from "./cache.js";
export * from "./context.js";
export * from "./deep-memory.js";
export { allRecords, type ForgetOptions } from "./forget.js";
export { lessonMemoryId } from "./lesson-id.js";
export * from "./memory-store.js";
export { type IndexSync, type IndexSyncStats, PENDING_WINDOW_MS } from "./memory-sync.js";
export * from "./messages.js";
export { compareRank, finalScore, RANKING, recencyWeight } from "./ranking.js";
export * from "./reads.js";
export * from "./schemas/index.js";
export * from "./sessions.js";
export {
  ANALYSIS_VERSION,
  analyseQuery,
  normalizeTerm,
  type QueryAnalysis,
  queryTerms,
  type TextAnalyzer,
  textAnalyzer,
  tokenize,
} from "./text.js";
