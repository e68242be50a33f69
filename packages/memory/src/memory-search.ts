import type { MemoryHit, MemoryKind } from "@tta-dev/core";
import { type IndexedMemory, KIND_CODES, type MemoryIndex, TEXT_FIELDS } from "./memory-index.js";
import { finalScore, scoreBound, TopK } from "./ranking.js";

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

/** BM25+ parameters (minisearch's defaults). */
export const BM25 = Object.freeze({ k: 1.2, b: 0.7, d: 0.5 });

/** At most this many distinct query terms count (a bit mask per document tracks which matched). */
export const MAX_QUERY_TERMS = 30;

/** The filters that need the entry itself (the others are read from the flat columns). */
function passesEntry(plan: SearchPlan, e: IndexedMemory): boolean {
  const m = e.memory;
  if (plan.sessionId !== null && m.sessionId !== plan.sessionId) return false;
  if (plan.groupId !== null && !m.groupIds.includes(plan.groupId)) return false;
  if (plan.tags.length) {
    if (plan.tagMode === "all") {
      for (const t of plan.tags) if (!e.tags.has(t)) return false;
    } else if (!plan.tags.some((t) => e.tags.has(t))) return false;
  }
  return true;
}

/**
 * The smallest union of index sets that must contain every match (tag/kind/session/group), or `null`
 * when no indexed filter applies.
 */
function candidates(index: MemoryIndex, plan: SearchPlan): Set<string>[] | null {
  const options: Set<string>[][] = [];
  const present = (sets: (Set<string> | undefined)[]) => sets.filter((s): s is Set<string> => !!s);
  if (plan.tags.length && plan.tagMode === "all") {
    const sets = plan.tags.map((t) => index.byTag.get(t));
    if (sets.some((s) => !s)) return [];
    options.push([present(sets).reduce((a, b) => (a.size <= b.size ? a : b))]);
  }
  if (plan.tags.length && plan.tagMode === "any")
    options.push(present(plan.tags.map((t) => index.byTag.get(t))));
  if (plan.kinds) options.push(present(plan.kinds.map((k) => index.byKind.get(k))));
  if (plan.sessionId !== null) options.push(present([index.bySession.get(plan.sessionId)]));
  if (plan.groupId !== null) options.push(present([index.byGroup.get(plan.groupId)]));
  if (!options.length) return null;
  const size = (sets: Set<string>[]) => sets.reduce((n, s) => n + s.size, 0);
  return options.reduce((a, b) => (size(a) <= size(b) ? a : b));
}

function* walk(index: MemoryIndex, sets: Set<string>[]): Generator<IndexedMemory> {
  const seen = sets.length > 1 ? new Set<string>() : null;
  for (const set of sets) {
    for (const id of set) {
      if (seen) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const e = index.entries.get(id);
      if (e) yield e;
    }
  }
}

/**
 * Walking a candidate set costs a string-keyed lookup per id (and one postings lookup per term), about
 * this many times a step over the flat columns or packed postings; it decides which side drives.
 */
export const WALK_COST = 8;

/** Scores reused across searches, indexed by short id, reset after each use. */
export class ScoreScratch {
  score = new Float64Array(0);
  mask = new Int32Array(0);
  touched = new Int32Array(0);
  fit(slots: number): void {
    if (this.score.length >= slots) return;
    const n = Math.max(slots, this.score.length * 2, 1024);
    this.score = new Float64Array(n);
    this.mask = new Int32Array(n);
    this.touched = new Int32Array(n);
  }
}

/**
 * The query terms that count: all of them up to {@link MAX_QUERY_TERMS}; beyond, the rarest ones (the
 * most telling, e.g. when a query is built from a session's last messages), in query order.
 */
function pickTerms(index: MemoryIndex, terms: string[]): string[] {
  if (terms.length <= MAX_QUERY_TERMS) return terms;
  const df = (t: string) => TEXT_FIELDS.reduce((n, _, f) => n + (index.postings.of(t, f)?.size ?? 0), 0);
  return terms
    .map((term, i) => ({ term, i, df: df(term) }))
    .filter((x) => x.df > 0)
    .sort((a, b) => a.df - b.df || a.i - b.i)
    .slice(0, MAX_QUERY_TERMS)
    .sort((a, b) => a.i - b.i)
    .map((x) => x.term);
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
}

/**
 * Rank the index against a plan (README "Ranking"). Text relevance is BM25+ over minisearch's postings,
 * computed with exact statistics (document count, document frequency, integer field lengths) and
 * summed in a fixed order (query terms, then fields), so equal data gives bit-identical scores. With
 * selective filters the candidates drive (one postings lookup per candidate and term); otherwise one
 * pass over packed postings fills a typed array. Candidates are then scored from flat columns and only
 * the top `limit` are kept, never a sorted list of every hit.
 */
export function searchIndex(
  index: MemoryIndex,
  plan: SearchPlan,
  nowMs: number,
  scratch: ScoreScratch,
  walkCost = WALK_COST,
): MemoryHit[] {
  const top = new TopK(plan.limit);
  const n = index.size;
  if (n === 0) return [];
  const terms = pickTerms(index, plan.terms);
  if (plan.terms.length && !terms.length) return [];
  const cols = index.columns;
  const kindMask = plan.kinds ? plan.kinds.reduce((m, k) => m | (1 << KIND_CODES[k]), 0) : 0;
  const minImportance = plan.minImportance ?? Number.NEGATIVE_INFINITY;
  const sinceMs = plan.sinceMs ?? Number.NEGATIVE_INFINITY;
  const needsEntry =
    plan.sessionId !== null || plan.groupId !== null || plan.tags.length > 0 || plan.boostTags.length > 0;

  /** Rank one document: columns first, the entry only when a filter needs it or it may enter. */
  const rank = (short: number, text: number, mask: number) => {
    if (kindMask && !(kindMask & (1 << cols.kind[short]!))) return;
    const importance = cols.importance[short]!;
    if (importance < minImportance || cols.updatedMs[short]! < sinceMs) return;
    let e: IndexedMemory | undefined;
    let boosts = 0;
    if (needsEntry) {
      e = index.bySlot[short];
      if (!e || !passesEntry(plan, e)) return;
      for (const t of plan.boostTags) if (e.tags.has(t)) boosts++;
    }
    const pinned = cols.pinned[short] === 1;
    if (!pinned && scoreBound(text, importance, boosts) < top.threshold()) return;
    const score = finalScore(text, importance, nowMs - cols.updatedMs[short]!, boosts);
    if (!pinned && score < top.threshold()) return;
    e ??= index.bySlot[short];
    if (!e || !top.accepts(pinned, score, cols.createdMs[short]!, e.memory.id)) return;
    const matchedTerms = terms.filter((_, i) => mask & (1 << i));
    const tags = [...new Set([...plan.tags, ...plan.boostTags].filter((t) => e.tags.has(t)))].sort();
    top.insert({
      pinned,
      score,
      createdMs: e.createdMs,
      id: e.memory.id,
      memory: e.memory,
      matched: [...matchedTerms, ...tags.map((t) => `tag:${t}`)],
    });
  };
  const sets = candidates(index, plan);

  const candidateTotal = sets === null ? Number.POSITIVE_INFINITY : sets.reduce((s, x) => s + x.size, 0);

  if (!terms.length) {
    if (sets !== null && candidateTotal * walkCost < index.slots) {
      for (const e of walk(index, sets)) rank(e.short, 1, 0);
    } else {
      const slots = index.slots;
      for (let s = 0; s < slots; s++) if (index.bySlot[s] !== undefined) rank(s, 1, 0);
    }
    return top.results();
  }

  const lists: { term: number; field: number; df: number; idf: number; avg: number; lengths: Int32Array }[] =
    [];
  terms.forEach((term, t) => {
    TEXT_FIELDS.forEach((_, f) => {
      const df = index.postings.of(term, f)?.size ?? 0;
      if (df === 0) return;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      lists.push({ term: t, field: f, df, idf, avg: index.totals[f]! / n, lengths: index.lengths[f]! });
    });
  });
  if (!lists.length) return [];
  const { k, b, d } = BM25;

  const postingTotal = lists.reduce((s, l) => s + l.df, 0);
  if (sets !== null && candidateTotal * walkCost * (lists.length + 1) < postingTotal) {
    const maps = lists.map((l) => index.postings.of(terms[l.term]!, l.field)!);
    for (const e of walk(index, sets)) {
      const short = e.short;
      let score = 0;
      let mask = 0;
      lists.forEach((l, i) => {
        const tf = maps[i]!.get(short);
        if (tf === undefined) return;
        score += l.idf * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * l.lengths[short]!) / l.avg)));
        mask |= 1 << l.term;
      });
      if (mask) rank(short, score * popcount(mask), mask);
    }
    return top.results();
  }

  scratch.fit(index.slots);
  const { score, mask, touched } = scratch;
  let count = 0;
  for (const l of lists) {
    const bit = 1 << l.term;
    const { idf, avg, lengths } = l;
    const { shorts, tfs } = index.packedPostings(terms[l.term]!, l.field)!;
    for (let i = 0; i < shorts.length; i++) {
      const short = shorts[i]!;
      const tf = tfs[i]!;
      if (mask[short] === 0) touched[count++] = short;
      score[short]! += idf * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * lengths[short]!) / avg)));
      mask[short]! |= bit;
    }
  }
  for (let i = 0; i < count; i++) {
    const short = touched[i]!;
    const s = score[short]!;
    const m = mask[short]!;
    score[short] = 0;
    mask[short] = 0;
    rank(short, s * popcount(m), m);
  }
  return top.results();
}
