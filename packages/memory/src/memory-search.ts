import type { MemoryHit, MemoryKind } from "@tta-dev/core";
import { KIND_CODES, type MemoryIndex, TEXT_FIELDS } from "./memory-index.js";
import { findSlot, type SlotList } from "./postings.js";
import { finalScore, scoreBound, scoreParts, TopK } from "./ranking.js";
import { runSync, STEP_EVERY, STEP_SLOTS, type Steps } from "./slices.js";

/** A validated, normalised search. */
export interface SearchPlan {
  /** The analysed query terms (folded, stop words dropped, stemmed). */
  terms: string[];
  /** The query had words, all of them stop words: no memory matches its text. */
  onlyStopWords: boolean;
  tags: string[];
  tagMode: "all" | "any";
  kinds: MemoryKind[] | null;
  minImportance: number | null;
  sessionId: string | null;
  groupId: string | null;
  sinceMs: number | null;
  boostTags: string[];
  /** Memories linked to this session or one of these groups get one boost more. */
  boostSessionId: string | null;
  boostGroupIds: string[];
  limit: number;
  /** Give each hit the parts of its score. */
  explain: boolean;
}

/** BM25+ parameters (minisearch's defaults). */
export const BM25 = Object.freeze({ k: 1.2, b: 0.7, d: 0.5 });

/** Query terms shorter than this are never taken for a typo of another (too many words are one edit away). */
export const MIN_TYPO_LENGTH = 4;

/** At most this many distinct query terms count (a bit mask per document tracks which matched). */
export const MAX_QUERY_TERMS = 30;

/**
 * Walking a candidate set costs a binary search per candidate and term list, about this many times
 * a step over the packed postings; it decides which side drives.
 */
export const WALK_COST = 8;

/** Ranking a candidate costs tens of steps over postings: a loop over candidates offers to stop this often. */
const RANK_STEP = 4096;

/** Scores and marks reused across searches, indexed by slot, reset after each use. */
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

/** Per-slot counts of how many of some lists hold the slot (live or dead; callers check `dead`). */
function countIn(slots: number, lists: SlotList[][]): Uint8Array {
  const counts = new Uint8Array(slots);
  for (const parts of lists) {
    for (const p of parts) {
      const s = p.shorts;
      for (let i = 0; i < p.length; i++) counts[s[i]!]!++;
    }
  }
  return counts;
}

function holds(parts: readonly SlotList[], slot: number): boolean {
  return parts.some((p) => findSlot(p, slot) >= 0);
}

/**
 * The smallest union of lists that must contain every match (tag/session/group), or `null` when no
 * listed filter applies.
 */
function candidates(index: MemoryIndex, plan: SearchPlan): SlotList[] | null {
  const options: SlotList[][] = [];
  const size = (parts: SlotList[]) => parts.reduce((n, p) => n + p.length, 0);
  if (plan.tags.length && plan.tagMode === "all") {
    options.push(plan.tags.map((t) => index.tagParts(t)).reduce((a, b) => (size(a) <= size(b) ? a : b)));
  }
  if (plan.tags.length && plan.tagMode === "any") options.push(plan.tags.flatMap((t) => index.tagParts(t)));
  if (plan.sessionId !== null) options.push(index.sessionParts(plan.sessionId));
  if (plan.groupId !== null) options.push(index.groupParts(plan.groupId));
  if (!options.length) return null;
  return options.reduce((a, b) => (size(a) <= size(b) ? a : b));
}

/** The live slots of some lists, each once. */
export function* walkLive(index: MemoryIndex, parts: SlotList[]): Generator<number> {
  const seen = parts.length > 2 ? new Uint8Array(index.slots) : null;
  const dead = index.dead;
  for (const p of parts) {
    const s = p.shorts;
    for (let i = 0; i < p.length; i++) {
      const slot = s[i]!;
      if (dead[slot] === 1) continue;
      if (seen) {
        if (seen[slot] === 1) continue;
        seen[slot] = 1;
      }
      yield slot;
    }
  }
}

/**
 * The query terms that count: all of them up to {@link MAX_QUERY_TERMS}; beyond, the rarest ones (the
 * most telling, e.g. when a query is built from a session's last messages), in query order.
 */
function* pickTerms(index: MemoryIndex, terms: string[]): Steps<string[]> {
  if (terms.length <= MAX_QUERY_TERMS) return terms;
  const counted: { term: string; i: number; df: number }[] = [];
  for (const [i, term] of terms.entries()) {
    let df = 0;
    for (let f = 0; f < TEXT_FIELDS.length; f++) df += index.liveCount(yield* index.termPartsSteps(term, f));
    counted.push({ term, i, df });
    yield;
  }
  return counted
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
 * Rank the index against a plan (README "Ranking"). Text relevance is BM25+ computed with exact
 * statistics of the live memories (document count, document frequency, integer field lengths) and
 * summed in a fixed order (query terms, then fields), so equal data gives bit-identical scores however
 * the index got there. With selective filters the candidates drive (a binary search per candidate
 * and term list); otherwise one pass over the postings fills a typed array. Candidates are then
 * scored from flat columns and only the top `limit` are kept, never a sorted list of every hit.
 */
export function searchIndex(
  index: MemoryIndex,
  plan: SearchPlan,
  nowMs: number,
  scratch: ScoreScratch,
  walkCost = WALK_COST,
): MemoryHit[] {
  return runSync(searchSteps(index, plan, nowMs, scratch, walkCost));
}

/**
 * {@link searchIndex} as steps that may stop while long lists are decoded and scored (run them with
 * `runSliced`): a word in most of 100k memories means scoring about as many postings. The index and
 * the scratch must not change until the steps are done.
 */
export function* searchSteps(
  index: MemoryIndex,
  plan: SearchPlan,
  nowMs: number,
  scratch: ScoreScratch,
  walkCost = WALK_COST,
): Steps<MemoryHit[]> {
  const top = new TopK(plan.limit);
  const n = index.size;
  const results = () => top.results((slot) => index.memoryAt(slot));
  if (n === 0 || plan.onlyStopWords) return [];
  const terms = yield* pickTerms(index, plan.terms);
  /** The terms as matched (a typo replaced by the term it was taken for). */
  const shown = [...terms];
  const cols = index.columns;
  const dead = index.dead;
  const kindMask = plan.kinds ? plan.kinds.reduce((m, k) => m | (1 << KIND_CODES[k]), 0) : 0;
  const minImportance = plan.minImportance ?? Number.NEGATIVE_INFINITY;
  const sinceMs = plan.sinceMs ?? Number.NEGATIVE_INFINITY;
  const slots = index.slots;
  const inSession = plan.sessionId !== null ? countIn(slots, [index.sessionParts(plan.sessionId)]) : null;
  const inGroup = plan.groupId !== null ? countIn(slots, [index.groupParts(plan.groupId)]) : null;
  const tagParts = plan.tags.map((t) => index.tagParts(t));
  const tagCounts = plan.tags.length ? countIn(slots, tagParts) : null;
  const needTags = plan.tagMode === "all" ? plan.tags.length : 1;
  const boostParts = plan.boostTags.map((t) => index.tagParts(t));
  const boostCounts = plan.boostTags.length ? countIn(slots, boostParts) : null;
  const linkParts = [
    ...(plan.boostSessionId !== null ? [index.sessionParts(plan.boostSessionId)] : []),
    ...plan.boostGroupIds.map((g) => index.groupParts(g)),
  ];
  const linked = linkParts.length ? countIn(slots, linkParts) : null;
  const shownTags = [...new Set([...plan.tags, ...plan.boostTags])].sort();
  const shownParts = shownTags.map((t) => index.tagParts(t));

  /** Rank one live document from the columns and the filter marks. */
  const rank = (short: number, text: number, mask: number) => {
    if (kindMask && !(kindMask & (1 << cols.kind[short]!))) return;
    const importance = cols.importance[short]!;
    if (importance < minImportance || cols.updatedMs[short]! < sinceMs) return;
    // An expired memory is never returned, whatever has been purged yet.
    if (cols.expiresMs[short]! <= nowMs) return;
    if (inSession && inSession[short] === 0) return;
    if (inGroup && inGroup[short] === 0) return;
    if (tagCounts && tagCounts[short]! < needTags) return;
    const boosts = (boostCounts ? boostCounts[short]! : 0) + (linked && linked[short]! > 0 ? 1 : 0);
    const pinned = cols.pinned[short] === 1;
    if (!pinned && scoreBound(text, importance, boosts) < top.threshold()) return;
    const score = finalScore(text, importance, nowMs - cols.updatedMs[short]!, boosts);
    if (!pinned && score < top.threshold()) return;
    const createdMs = cols.createdMs[short]!;
    const id = index.idAt(short);
    if (!top.accepts(pinned, score, createdMs, id)) return;
    const matchedTerms = shown.filter((_, i) => mask & (1 << i));
    const tags = shownTags.filter((_, i) => holds(shownParts[i]!, short));
    top.insert({
      pinned,
      score,
      createdMs,
      id,
      slot: short,
      matched: [...matchedTerms, ...tags.map((t) => `tag:${t}`)],
      ...(plan.explain
        ? { parts: scoreParts(text, importance, nowMs - cols.updatedMs[short]!, boosts, boostedBy(short)) }
        : {}),
    });
  };
  /** The boosts a memory gets, named: its boost tags, then its links to the boost session and groups. */
  const boostedBy = (short: number): string[] => [
    ...plan.boostTags.filter((_, i) => holds(boostParts[i]!, short)).map((t) => `tag:${t}`),
    ...(plan.boostSessionId !== null && holds(linkParts[0]!, short)
      ? [`session:${plan.boostSessionId}`]
      : []),
    ...plan.boostGroupIds
      .filter((_, i) => holds(linkParts[i + (plan.boostSessionId !== null ? 1 : 0)]!, short))
      .map((g) => `group:${g}`),
  ];
  /**
   * With a query, a memory linked to the boost session or groups that matches none of its terms still
   * counts as holding its most telling term once ({@link linkedText}): the session's own lessons compete
   * with real matches on importance, recency and boosts instead of being left out.
   */
  const rankLinkedUnmatched = (text: number, matchedMask: (short: number) => number) => {
    if (!linked) return;
    const seen = new Uint8Array(slots);
    for (const short of walkLive(index, linkParts.flat())) {
      if (seen[short] === 1 || matchedMask(short) !== 0) continue;
      seen[short] = 1;
      rank(short, text, 0);
    }
  };
  const sets = candidates(index, plan);
  const candidateTotal = sets === null ? Number.POSITIVE_INFINITY : sets.reduce((s, x) => s + x.length, 0);

  if (plan.terms.length && !terms.length) {
    rankLinkedUnmatched(linkedText(n, []), () => 0);
    return results();
  }
  if (!terms.length) {
    let ranked = 0;
    if (sets !== null && candidateTotal * walkCost < slots) {
      for (const slot of walkLive(index, sets)) {
        rank(slot, 1, 0);
        if (++ranked % RANK_STEP === 0) yield;
      }
    } else {
      const rankLive = (from: number, to: number) => {
        for (let s = from; s < to; s++) if (dead[s] === 0) rank(s, 1, 0);
      };
      for (let from = 0; from < slots; from += RANK_STEP) {
        rankLive(from, Math.min(slots, from + RANK_STEP));
        yield;
      }
    }
    return results();
  }

  const lists: {
    term: number;
    parts: SlotList[];
    df: number;
    idf: number;
    avg: number;
    lengths: Int32Array;
  }[] = [];
  for (const [t, asked] of terms.entries()) {
    let term = asked;
    for (let attempt = 0; attempt < 2; attempt++) {
      const before = lists.length;
      for (let f = 0; f < TEXT_FIELDS.length; f++) {
        const parts = yield* index.termPartsSteps(term, f);
        const df = index.liveCount(parts);
        if (df === 0) continue;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        lists.push({ term: t, parts, df, idf, avg: index.totals[f]! / n, lengths: index.lengths[f]! });
      }
      // A word no memory holds may be a typo: it counts as the live term one edit away, if any.
      if (lists.length > before || attempt > 0 || asked.length < MIN_TYPO_LENGTH) break;
      const near = yield* index.nearTermSteps(asked);
      if (near === null) break;
      term = near;
      shown[t] = near;
    }
  }
  const unmatchedText = linkedText(n, lists);
  if (!lists.length) {
    rankLinkedUnmatched(unmatchedText, () => 0);
    return results();
  }
  const { k, b, d } = BM25;

  const postingTotal = lists.reduce((s, l) => s + l.df, 0);
  if (sets !== null && candidateTotal * walkCost * (lists.length + 1) < postingTotal) {
    const scoreOne = (short: number) => {
      let score = 0;
      let mask = 0;
      for (const l of lists) {
        let tf = 0;
        for (const p of l.parts) {
          const at = findSlot(p, short);
          if (at >= 0) {
            tf = p.tfs![at]!;
            break;
          }
        }
        if (tf === 0) continue;
        score += l.idf * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * l.lengths[short]!) / l.avg)));
        mask |= 1 << l.term;
      }
      if (mask) rank(short, score * popcount(mask), mask);
      else if (linked && linked[short]! > 0) rank(short, unmatchedText, 0);
    };
    let walked = 0;
    for (const short of walkLive(index, sets)) {
      scoreOne(short);
      if (++walked % STEP_EVERY === 0) yield;
    }
    return results();
  }

  scratch.fit(slots);
  const { score, mask, touched } = scratch;
  let count = 0;
  for (const l of lists) {
    for (const p of l.parts) {
      for (let from = 0; from < p.length; from += STEP_SLOTS) {
        count = scoreRange(l, p, from, Math.min(p.length, from + STEP_SLOTS), dead, scratch, count);
        yield;
      }
    }
  }
  rankLinkedUnmatched(unmatchedText, (short) => mask[short]!);
  const rankTouched = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const short = touched[i]!;
      const s = score[short]!;
      const m = mask[short]!;
      score[short] = 0;
      mask[short] = 0;
      rank(short, s * popcount(m), m);
    }
  };
  for (let from = 0; from < count; from += RANK_STEP) {
    rankTouched(from, Math.min(count, from + RANK_STEP));
    yield;
  }
  return results();
}

/**
 * The text score of a linked memory that matches no query term: BM25+ of one occurrence, at average
 * length, of the query's most telling term (`idf × (d + 1)` with the highest idf of a term some memory
 * holds); without any such term, the idf of a term one memory holds.
 */
function linkedText(n: number, lists: readonly { idf: number }[]): number {
  const idf = lists.length ? Math.max(...lists.map((l) => l.idf)) : Math.log(1 + (n - 1 + 0.5) / 1.5);
  return idf * (BM25.d + 1);
}

/**
 * Add the BM25+ part of postings `from..to` of one list to the scratch scores; the new count of touched
 * slots. A plain function: V8 optimises a long loop inside a running generator late, if at all.
 */
function scoreRange(
  l: { term: number; idf: number; avg: number; lengths: Int32Array },
  p: SlotList,
  from: number,
  to: number,
  dead: Uint8Array,
  scratch: ScoreScratch,
  count: number,
): number {
  const { k, b, d } = BM25;
  const { score, mask, touched } = scratch;
  const bit = 1 << l.term;
  const { idf, avg, lengths } = l;
  const shorts = p.shorts;
  const tfs = p.tfs!;
  let n = count;
  for (let i = from; i < to; i++) {
    const short = shorts[i]!;
    if (dead[short] === 1) continue;
    const tf = tfs[i]!;
    if (mask[short] === 0) touched[n++] = short;
    score[short]! += idf * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * lengths[short]!) / avg)));
    mask[short]! |= bit;
  }
  return n;
}
