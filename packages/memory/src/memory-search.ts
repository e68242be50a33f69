import type { MemoryHit, MemoryKind } from "@tta-dev/core";
import type { IndexedMemory, MemoryIndex } from "./memory-index.js";
import { finalScore, TopK } from "./ranking.js";

/** A validated, normalised search. */
export interface SearchPlan {
  terms: string[];
  tags: string[];
  tagMode: "all" | "any";
  kinds: MemoryKind[] | null;
  minImportance: number | null;
  sessionId: string | null;
  groupId: string | null;
  sinceMs: number | null;
  boostTags: string[];
  limit: number;
}

function passes(plan: SearchPlan, e: IndexedMemory): boolean {
  const m = e.memory;
  if (plan.kinds && !plan.kinds.includes(m.kind)) return false;
  if (plan.minImportance !== null && m.importance < plan.minImportance) return false;
  if (plan.sessionId !== null && m.sessionId !== plan.sessionId) return false;
  if (plan.groupId !== null && !m.groupIds.includes(plan.groupId)) return false;
  if (plan.sinceMs !== null && e.updatedMs < plan.sinceMs) return false;
  if (plan.tags.length) {
    if (plan.tagMode === "all") {
      for (const t of plan.tags) if (!e.tags.has(t)) return false;
    } else if (!plan.tags.some((t) => e.tags.has(t))) return false;
  }
  return true;
}

/**
 * The smallest set of ids that must contain every match, from the tag/kind/session/group indexes, as
 * a list of sets to walk (their union); `null` when no indexed filter applies (walk everything).
 */
function candidates(index: MemoryIndex, plan: SearchPlan): Set<string>[] | null {
  const options: Set<string>[][] = [];
  const none: Set<string>[] = [];
  const get = (map: Map<string, Set<string>>, key: string) => map.get(key);
  if (plan.tags.length && plan.tagMode === "all") {
    const sets = plan.tags.map((t) => get(index.byTag, t));
    if (sets.some((s) => !s)) return none;
    options.push([sets.reduce((a, b) => (a!.size <= b!.size ? a : b))!]);
  }
  if (plan.tags.length && plan.tagMode === "any") {
    options.push(plan.tags.map((t) => get(index.byTag, t)).filter((s): s is Set<string> => !!s));
  }
  if (plan.kinds)
    options.push(plan.kinds.map((k) => get(index.byKind, k)).filter((s): s is Set<string> => !!s));
  if (plan.sessionId !== null)
    options.push([get(index.bySession, plan.sessionId)].filter((s): s is Set<string> => !!s));
  if (plan.groupId !== null)
    options.push([get(index.byGroup, plan.groupId)].filter((s): s is Set<string> => !!s));
  if (!options.length) return null;
  const size = (sets: Set<string>[]) => sets.reduce((n, s) => n + s.size, 0);
  return options.reduce((a, b) => (size(a) <= size(b) ? a : b));
}

function tagMatches(plan: SearchPlan, e: IndexedMemory): { matched: string[]; boosts: number } {
  const filterTags = plan.tags.filter((t) => e.tags.has(t));
  const boostTags = plan.boostTags.filter((t) => e.tags.has(t));
  const tags = [...new Set([...filterTags, ...boostTags])].sort();
  return { matched: tags.map((t) => `tag:${t}`), boosts: boostTags.length };
}

function countBoosts(plan: SearchPlan, e: IndexedMemory): number {
  let n = 0;
  for (const t of plan.boostTags) if (e.tags.has(t)) n++;
  return n;
}

/**
 * Rank the index against a plan (README "Ranking"): with query terms, minisearch's BM25+ relevance
 * over content and tags, filtered in its callback (which also keeps the top k, so no result list is
 * ever built or sorted); without, every candidate scores on importance and recency alone.
 */
export function searchIndex(index: MemoryIndex, plan: SearchPlan, nowMs: number): MemoryHit[] {
  const top = new TopK(plan.limit);
  const consider = (e: IndexedMemory, text: number, terms: readonly string[]) => {
    const m = e.memory;
    const score = finalScore(text, m.importance, nowMs - e.updatedMs, countBoosts(plan, e));
    const key = { pinned: m.pinned, score, createdMs: e.createdMs, id: m.id };
    if (!top.accepts(key)) return;
    const tags = tagMatches(plan, e);
    top.insert({ ...key, memory: m, matched: [...terms, ...tags.matched] });
  };

  if (plan.terms.length) {
    index.text.search(plan.terms.join(" "), {
      filter: (result) => {
        const e = index.entries.get(result.id as string);
        if (!e || !passes(plan, e)) return false;
        const found: string[] = result.queryTerms;
        consider(
          e,
          result.score,
          plan.terms.filter((t) => found.includes(t)),
        );
        return false;
      },
    });
    return top.results();
  }

  const sets = candidates(index, plan);
  if (sets === null) {
    for (const e of index.entries.values()) if (passes(plan, e)) consider(e, 1, []);
  } else {
    const seen = sets.length > 1 ? new Set<string>() : null;
    for (const set of sets) {
      for (const id of set) {
        if (seen) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        const e = index.entries.get(id);
        if (e && passes(plan, e)) consider(e, 1, []);
      }
    }
  }
  return top.results();
}
