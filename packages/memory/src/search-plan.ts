import type { Limits } from "@tta-dev/core";
import type { z } from "zod";
import { checkTags } from "./guards.js";
import type { SearchPlan } from "./memory-search.js";
import { DEFAULT_SEARCH_LIMIT, type MemorySearchInput } from "./schemas/memory.js";
import { analyseQuery, type TextAnalyzer, textAnalyzer } from "./text.js";

/** Turn a parsed search input into a plan: normalised terms and tags, parsed instants, defaults. */
export function planSearch(
  input: z.output<typeof MemorySearchInput>,
  limits: Limits,
  analyzer: TextAnalyzer = textAnalyzer(),
): SearchPlan {
  const { terms, onlyStopWords } = analyseQuery(input.query, analyzer);
  return {
    terms,
    onlyStopWords,
    tags: checkTags(input.tags, limits),
    tagMode: input.tagMode ?? "all",
    kinds: input.kinds?.length ? [...new Set(input.kinds)] : null,
    minImportance: input.minImportance ?? null,
    sessionId: input.sessionId ?? null,
    groupId: input.groupId ?? null,
    sinceMs: input.since === undefined ? null : Date.parse(input.since),
    boostTags: checkTags(input.boostTags, limits, "boostTags"),
    boostSessionId: input.boostSessionId ?? null,
    boostGroupIds: [...new Set(input.boostGroupIds ?? [])].sort(),
    limit: input.limit ?? DEFAULT_SEARCH_LIMIT,
    explain: input.explain ?? false,
  };
}
