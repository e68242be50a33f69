import type { DeepMemory, MemoryHit, ScoreParts } from "@tta-dev/core";

/**
 * The constants of the ranking formula (README "Ranking"):
 *
 * `score = round9(text × (importanceBase + importance) × recency × (1 + boostPerTag × boostTagsMatched))`
 * with `recency = floor + (1 − floor) × 2^(−age / halfLife)`, age measured from `updatedAt` to the clock's
 * now, and `text` the BM25+ relevance of the query (1 when there is no query).
 */
export const RANKING = Object.freeze({
  importanceBase: 0.5,
  recencyHalfLifeMs: 30 * 24 * 60 * 60 * 1000,
  recencyFloor: 0.5,
  boostPerTag: 0.2,
  /** Scores are rounded to this many decimals so that float noise can never reorder equal scores. */
  decimals: 9,
});

const SCALE = 10 ** RANKING.decimals;
const DECAY = -Math.LN2 / RANKING.recencyHalfLifeMs;

/** The recency factor of a memory last updated `ageMs` ago (1 now, 0.75 after one half-life, → floor). */
export function recencyWeight(ageMs: number): number {
  const age = Math.max(ageMs, 0);
  return RANKING.recencyFloor + (1 - RANKING.recencyFloor) * Math.exp(age * DECAY);
}

/** An upper bound of {@link finalScore} whatever the age (recency is at most 1). */
export function scoreBound(text: number, importance: number, boostTagsMatched: number): number {
  return (
    text * (RANKING.importanceBase + importance) * (1 + RANKING.boostPerTag * boostTagsMatched) + 1 / SCALE
  );
}

/** The final score of one candidate. */
export function finalScore(
  text: number,
  importance: number,
  ageMs: number,
  boostTagsMatched: number,
): number {
  const raw =
    text *
    (RANKING.importanceBase + importance) *
    recencyWeight(ageMs) *
    (1 + RANKING.boostPerTag * boostTagsMatched);
  return Math.round(raw * SCALE) / SCALE;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * The factors of {@link finalScore}, rounded for reading (`explain`); `boostedBy` names the boosts (the
 * links to a session and its groups count as one).
 */
export function scoreParts(
  text: number,
  importance: number,
  ageMs: number,
  boosts: number,
  boostedBy: string[],
): ScoreParts {
  return {
    text: round6(text),
    importance: round6(RANKING.importanceBase + importance),
    recency: round6(recencyWeight(ageMs)),
    boost: round6(1 + RANKING.boostPerTag * boosts),
    boostedBy,
  };
}

/** What ordering needs to know about a candidate. */
export interface RankKey {
  pinned: boolean;
  score: number;
  createdMs: number;
  id: string;
}

/**
 * The result order: pinned first, then higher score, then newer `createdAt`, then the larger id (ULIDs
 * grow with time, so newer first again). Negative when `a` ranks before `b`.
 */
export function compareRank(a: RankKey, b: RankKey): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  if (a.score !== b.score) return b.score - a.score;
  if (a.createdMs !== b.createdMs) return b.createdMs - a.createdMs;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** A ranked hit under construction: `slot` is where the index keeps its memory. */
export interface RankedHit extends RankKey {
  slot: number;
  matched: string[];
  /** The score's parts, when the search explains. */
  parts?: ScoreParts;
}

/** Keeps the best `k` candidates seen, in rank order, without sorting everything. */
export class TopK {
  private readonly hits: RankedHit[] = [];
  constructor(private readonly k: number) {}

  /** True when a candidate with this key would enter the top k (allocation-free: it runs per candidate). */
  accepts(pinned: boolean, score: number, createdMs: number, id: string): boolean {
    if (this.hits.length < this.k) return true;
    const w = this.hits[this.hits.length - 1]!;
    if (pinned !== w.pinned) return pinned;
    if (score !== w.score) return score > w.score;
    if (createdMs !== w.createdMs) return createdMs > w.createdMs;
    return id > w.id;
  }

  /**
   * The score below which an unpinned candidate cannot enter (`-Infinity` while not full, `Infinity`
   * once the top k are all pinned). Lets a caller skip exact scoring of hopeless candidates.
   */
  threshold(): number {
    if (this.hits.length < this.k) return Number.NEGATIVE_INFINITY;
    const w = this.hits[this.hits.length - 1]!;
    return w.pinned ? Number.POSITIVE_INFINITY : w.score;
  }

  /** Insert a candidate that {@link accepts} approved. */
  insert(hit: RankedHit): void {
    let lo = 0;
    let hi = this.hits.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareRank(this.hits[mid]!, hit) <= 0) lo = mid + 1;
      else hi = mid;
    }
    this.hits.splice(lo, 0, hit);
    if (this.hits.length > this.k) this.hits.pop();
  }

  /** The hits, best first, as search results (`memoryAt` reads each hit's memory). */
  results(memoryAt: (slot: number) => DeepMemory): MemoryHit[] {
    return this.hits.map((h) => ({
      memory: memoryAt(h.slot),
      score: h.score,
      matched: h.matched,
      ...(h.parts ? { explain: h.parts } : {}),
    }));
  }
}
