import type { DeepMemory } from "@tta-dev/core";
import {
  type DictionaryInput,
  runSync,
  type Segment,
  type SegmentInput,
  type SegmentState,
  STEP_EVERY,
  STEP_SLOTS,
  type Steps,
} from "./index-segment.js";
import { GrowList, type SlotList } from "./postings.js";
import { type TextAnalyzer, textAnalyzer, tokenize } from "./text.js";

/** The indexed text fields, in the order their scores are added up. */
export const TEXT_FIELDS = ["content", "tags"] as const;

/** The kinds, as small codes for the per-slot array. */
export const KIND_CODES: Readonly<Record<DeepMemory["kind"], number>> = Object.freeze({
  observation: 0,
  lesson: 1,
  decision: 2,
  pattern: 3,
  failure: 4,
});

/**
 * What ranking reads for every candidate, kept in flat arrays by slot: walking them stays in cache,
 * where following an object per memory would miss it for most of 100k documents.
 */
export interface SlotColumns {
  importance: Float64Array;
  createdMs: Float64Array;
  updatedMs: Float64Array;
  /** `expiresAt` in epoch ms; `Infinity` when the memory does not expire. */
  expiresMs: Float64Array;
  version: Float64Array;
  pinned: Uint8Array;
  kind: Uint8Array;
}

/** One field of a memory as the index analyses it. */
interface Analysed {
  /** Distinct raw words (the field length of BM25). */
  length: number;
  /** Term frequency of each folded term. */
  tf: Map<string, number>;
}

/**
 * Split, analyse (fold, drop stop words, stem) and count a field's text. The same for every backend and
 * every process. The field length stays the number of distinct raw words, stop words included (as
 * minisearch counts it), so dropping a stop word never changes another term's score.
 */
export function analyse(text: string, analyzer: TextAnalyzer = textAnalyzer()): Analysed {
  const words = tokenize(text);
  const tf = new Map<string, number>();
  for (const word of words) {
    const term = analyzer.term(word);
    if (term !== null) tf.set(term, (tf.get(term) ?? 0) + 1);
  }
  return { length: new Set(words).size, tf };
}

function fieldText(memory: DeepMemory, field: number): string {
  return field === 0 ? memory.content : memory.tags.join(" ");
}

type Typed = Int32Array | Float64Array | Uint8Array;

function grow<T extends Typed>(a: T, need: number): T {
  if (need < a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need + 1, a.length * 2, 1024));
  b.set(a as never);
  return b;
}

function push(map: Map<string, GrowList>, key: string, slot: number): void {
  let list = map.get(key);
  if (!list) {
    list = new GrowList(false);
    map.set(key, list);
  }
  list.push(slot);
}

/** At most this many decoded segment lists are kept (then the cache starts over). */
const MAX_DECODED = 4096;

/**
 * The search index of one namespace's deep memories: an inverted index over content and tags (exact,
 * folded terms), tag/session/group lists and per-slot columns.
 *
 * It has two parts in one slot space: a *base* read from a persisted segment (slots `0..base.n`, in id
 * order, never changed) and the memories added in this process after it. A memory that changes or
 * goes is marked dead in its old slot and, if it still exists, added at a new one; lists keep dead
 * slots and every reader skips them, so the statistics (document count, document frequencies, field
 * length totals) are always those of the live set, exactly, whatever the history: a fresh build and a
 * caught-up segment give bit-identical scores.
 */
export class MemoryIndex {
  private base: Segment | null = null;
  private baseN = 0;
  /** One past the largest slot in use (the size scoring arrays need). */
  slots = 0;
  /** Live memories. */
  size = 0;
  /** 1 for a slot whose memory changed or went. */
  dead = new Uint8Array(1024);
  readonly columns: SlotColumns = {
    importance: new Float64Array(1024),
    createdMs: new Float64Array(1024),
    updatedMs: new Float64Array(1024),
    expiresMs: new Float64Array(1024),
    version: new Float64Array(1024),
    pinned: new Uint8Array(1024),
    kind: new Uint8Array(1024),
  };
  /** Distinct words per field of each slot. */
  lengths: [Int32Array, Int32Array] = [new Int32Array(1024), new Int32Array(1024)];
  /** Total of `lengths` per field over live memories. */
  totals: [number, number] = [0, 0];
  /** Writes applied since the base (what persisting would save a fresh process from catching up). */
  changes = 0;
  private ids = new Map<string, number>();
  private docs: (DeepMemory | undefined)[] = [];
  private terms = new Map<string, [GrowList | null, GrowList | null]>();
  private tags = new Map<string, GrowList>();
  private sessions = new Map<string, GrowList>();
  private groups = new Map<string, GrowList>();
  private decoded = new Map<string, SlotList | null>();

  /** @param analyzer the text analysis of this index (and of the queries run on it). */
  constructor(readonly analyzer: TextAnalyzer = textAnalyzer()) {}

  /** Start over from a segment (or empty). */
  reset(base: Segment | null = null): void {
    runSync(this.resetSteps(base));
  }

  /** {@link reset} as steps that may stop between columns (the index is unusable until done). */
  *resetSteps(base: Segment | null = null): Steps<void> {
    this.base = base;
    const n = base?.n ?? 0;
    this.baseN = n;
    this.slots = n;
    this.size = n;
    this.changes = 0;
    this.dead = new Uint8Array(Math.max(1024, n * 2));
    const c = this.columns;
    const sized = <T extends Typed>(from: T | undefined, make: new (k: number) => T): T => {
      const a = new make(Math.max(1024, n * 2));
      if (from) a.set(from.subarray(0, n) as never);
      return a;
    };
    c.importance = sized(base?.importance, Float64Array);
    yield;
    c.createdMs = sized(base?.createdMs, Float64Array);
    yield;
    c.updatedMs = sized(base?.updatedMs, Float64Array);
    c.expiresMs = sized(base?.expiresMs, Float64Array);
    yield;
    c.version = sized(base?.version, Float64Array);
    yield;
    c.pinned = sized(base?.pinned, Uint8Array);
    c.kind = sized(base?.kind, Uint8Array);
    yield;
    this.lengths = [sized(base?.lengths[0], Int32Array), sized(base?.lengths[1], Int32Array)];
    this.totals = base ? [base.totals[0], base.totals[1]] : [0, 0];
    this.ids = new Map();
    this.docs = [];
    this.terms = new Map();
    this.tags = new Map();
    this.sessions = new Map();
    this.groups = new Map();
    this.decoded = new Map();
  }

  /** Whether a base segment is loaded. */
  get hasBase(): boolean {
    return this.base !== null;
  }

  /** The live slot of an id, or -1. */
  slotOf(id: string): number {
    const own = this.ids.get(id);
    if (own !== undefined) return own;
    if (!this.base) return -1;
    const s = this.base.slotOf(id);
    return s >= 0 && this.dead[s] === 0 ? s : -1;
  }

  /** The version held for an id (0 when absent). */
  versionOf(id: string): number {
    const s = this.slotOf(id);
    return s < 0 ? 0 : this.columns.version[s]!;
  }

  idAt(slot: number): string {
    return slot < this.baseN ? this.base!.idAt(slot) : this.docs[slot - this.baseN]!.id;
  }

  memoryAt(slot: number): DeepMemory {
    return slot < this.baseN ? this.base!.docAt(slot) : this.docs[slot - this.baseN]!;
  }

  /** Every live memory (in no particular order). */
  *memories(): Generator<DeepMemory> {
    for (let s = 0; s < this.slots; s++) if (this.dead[s] === 0) yield this.memoryAt(s);
  }

  /** Add or replace a memory; a version not newer than the one held is ignored. */
  upsert(memory: DeepMemory): void {
    const current = this.slotOf(memory.id);
    if (current >= 0) {
      if (this.columns.version[current]! >= memory.version) return;
      this.kill(current);
    }
    const slot = this.slots++;
    this.dead = grow(this.dead, slot);
    const c = this.columns;
    c.importance = grow(c.importance, slot);
    c.createdMs = grow(c.createdMs, slot);
    c.updatedMs = grow(c.updatedMs, slot);
    c.expiresMs = grow(c.expiresMs, slot);
    c.version = grow(c.version, slot);
    c.pinned = grow(c.pinned, slot);
    c.kind = grow(c.kind, slot);
    c.importance[slot] = memory.importance;
    c.createdMs[slot] = Date.parse(memory.createdAt);
    c.updatedMs[slot] = Date.parse(memory.updatedAt);
    c.expiresMs[slot] =
      memory.expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(memory.expiresAt);
    c.version[slot] = memory.version;
    c.pinned[slot] = memory.pinned ? 1 : 0;
    c.kind[slot] = KIND_CODES[memory.kind];
    for (let f = 0; f < 2; f++) {
      const { length, tf } = analyse(fieldText(memory, f), this.analyzer);
      this.lengths[f] = grow(this.lengths[f]!, slot);
      this.lengths[f]![slot] = length;
      this.totals[f]! += length;
      for (const [term, count] of tf) {
        let entry = this.terms.get(term);
        if (!entry) {
          entry = [null, null];
          this.terms.set(term, entry);
        }
        let list = entry[f];
        if (!list) entry[f] = list = new GrowList(true);
        list.push(slot, count);
      }
    }
    for (const tag of new Set(memory.tags)) push(this.tags, tag, slot);
    if (memory.sessionId !== undefined) push(this.sessions, memory.sessionId, slot);
    for (const g of new Set(memory.groupIds)) push(this.groups, g, slot);
    this.ids.set(memory.id, slot);
    this.docs[slot - this.baseN] = memory;
    this.size++;
    this.changes++;
  }

  /** Forget a memory. */
  remove(id: string): void {
    const s = this.slotOf(id);
    if (s >= 0) this.kill(s);
  }

  private kill(slot: number): void {
    this.dead[slot] = 1;
    this.totals[0] -= this.lengths[0][slot]!;
    this.totals[1] -= this.lengths[1][slot]!;
    this.size--;
    this.changes++;
    if (slot >= this.baseN) {
      const i = slot - this.baseN;
      this.ids.delete(this.docs[i]!.id);
      this.docs[i] = undefined;
    }
  }

  private baseList(kind: string, key: string, field: number): SlotList | null {
    return runSync(this.baseListSteps(kind, key, field));
  }

  /** A list of the base, decoded once (as steps: a long list takes milliseconds) and then cached. */
  private *baseListSteps(kind: string, key: string, field: number): Steps<SlotList | null> {
    const base = this.base;
    if (!base) return null;
    const cacheKey = `${kind}${field}\u0000${key}`;
    const hit = this.decoded.get(cacheKey);
    if (hit !== undefined) return hit;
    const dict =
      kind === "t" ? base.terms : kind === "g" ? base.tags : kind === "s" ? base.sessions : base.groups;
    const i = dict.find(key);
    const list = i < 0 ? null : yield* dict.listSteps(i, field);
    if (this.decoded.size >= MAX_DECODED) this.decoded.clear();
    this.decoded.set(cacheKey, list);
    return list;
  }

  private parts(base: SlotList | null, own: SlotList | null | undefined): SlotList[] {
    const out: SlotList[] = [];
    if (base?.length) out.push(base);
    if (own?.length) out.push(own);
    return out;
  }

  /** The postings of a folded term in a field: ascending slots with term frequencies, dead included. */
  termParts(term: string, field: number): SlotList[] {
    return this.parts(this.baseList("t", term, field), this.terms.get(term)?.[field]);
  }

  /** {@link termParts} as steps that may stop while a long list of the base is decoded. */
  *termPartsSteps(term: string, field: number): Steps<SlotList[]> {
    return this.parts(yield* this.baseListSteps("t", term, field), this.terms.get(term)?.[field]);
  }

  tagParts(tag: string): SlotList[] {
    return this.parts(this.baseList("g", tag, 0), this.tags.get(tag));
  }

  sessionParts(id: string): SlotList[] {
    return this.parts(this.baseList("s", id, 0), this.sessions.get(id));
  }

  groupParts(id: string): SlotList[] {
    return this.parts(this.baseList("r", id, 0), this.groups.get(id));
  }

  /**
   * The live term one edit away from `term` (a letter inserted, deleted, replaced, or two adjacent
   * letters swapped), for a query word with no match of its own: the one in most memories, then the
   * smallest. The live set decides, so a built and a loaded index answer alike.
   */
  *nearTermSteps(term: string): Steps<string | null> {
    const bytes = Buffer.byteLength(term, "utf8");
    const near = new Set<string>();
    for (const key of this.terms.keys()) if (withinOneEdit(term, key)) near.add(key);
    const dict = this.base?.terms;
    if (dict) {
      for (let i = 0; i < dict.size; i++) {
        // A folded letter takes at most 4 bytes: only keys of about the same length are decoded.
        if (Math.abs(dict.keyBytesAt(i) - bytes) <= 4) {
          const key = dict.keyAt(i);
          if (withinOneEdit(term, key)) near.add(key);
        }
        if (i % STEP_EVERY === 0) yield;
      }
    }
    let best: string | null = null;
    let bestDf = 0;
    for (const key of [...near].sort()) {
      let df = 0;
      for (let f = 0; f < 2; f++) df += this.liveCount(yield* this.termPartsSteps(key, f));
      if (df > bestDf) {
        best = key;
        bestDf = df;
      }
    }
    return best;
  }

  /** How many live slots some parts hold. */
  liveCount(parts: readonly SlotList[]): number {
    let n = 0;
    const dead = this.dead;
    for (const p of parts) {
      const s = p.shorts;
      for (let i = 0; i < p.length; i++) if (dead[s[i]!] === 0) n++;
    }
    return n;
  }

  /**
   * Everything a segment needs, with the live memories in id order (base and new ones merged), for
   * {@link encodeSegment}. Lists are remapped to the new slots and keep only live ones.
   */
  snapshot(state: SegmentState): SegmentInput {
    return runSync(this.snapshotSteps(state));
  }

  /** {@link snapshot} as steps that may stop between slots and keys (see `runSliced`). */
  *snapshotSteps(state: SegmentState): Steps<SegmentInput> {
    const dead = this.dead;
    const newIds = [...this.ids.entries()];
    if (!isSorted(newIds)) newIds.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const order = new Int32Array(this.size);
    const remap = new Int32Array(this.slots).fill(-1);
    const ids: string[] = new Array(this.size);
    let n = 0;
    let j = 0;
    let b = 0;
    const take = (slot: number, id: string) => {
      order[n] = slot;
      remap[slot] = n;
      ids[n++] = id;
    };
    const nextBase = (): string | null => {
      while (b < this.baseN && dead[b] === 1) b++;
      return b < this.baseN ? this.base!.idAt(b) : null;
    };
    let baseId = nextBase();
    while (baseId !== null || j < newIds.length) {
      if (baseId !== null && (j >= newIds.length || baseId < newIds[j]![0])) {
        take(b++, baseId);
        baseId = nextBase();
      } else {
        take(newIds[j]![1], newIds[j]![0]);
        j++;
      }
      if (n % STEP_EVERY === 0) yield;
    }
    const docs: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const slot = order[i]!;
      docs[i] = slot < this.baseN ? this.base!.docJsonAt(slot) : JSON.stringify(this.docs[slot - this.baseN]);
      if (i % STEP_EVERY === 0) yield;
    }
    const c = this.columns;
    const pick = <T extends Typed>(a: T): T => {
      const out = new (a.constructor as new (k: number) => T)(n);
      for (let i = 0; i < n; i++) out[i] = a[order[i]!]!;
      return out;
    };
    const base = this.base;
    function* dict(
      fields: number,
      withTf: boolean,
      baseDict: Segment["terms"] | undefined,
      own: Map<string, (GrowList | null)[]>,
    ): Steps<DictionaryInput> {
      const baseKeys: string[] = [];
      if (baseDict) {
        for (let i = 0; i < baseDict.size; i++) {
          baseKeys.push(baseDict.keyAt(i));
          if (i % STEP_EVERY === 0) yield;
        }
      }
      const ownKeys = [...own.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
      yield;
      const keys: string[] = [];
      const lists: SlotList[] = [];
      let bi = 0;
      let oi = 0;
      let step = 0;
      while (bi < baseKeys.length || oi < ownKeys.length) {
        const bk = baseKeys[bi];
        const ok = ownKeys[oi];
        let key: string;
        let fromBase = -1;
        let fromOwn: (GrowList | null)[] | undefined;
        if (ok === undefined || (bk !== undefined && bk < ok)) {
          key = bk!;
          fromBase = bi++;
        } else if (bk === undefined || ok < bk) {
          key = ok;
          fromOwn = own.get(ok);
          oi++;
        } else {
          key = bk;
          fromBase = bi++;
          fromOwn = own.get(ok);
          oi++;
        }
        const row: SlotList[] = [];
        let any = false;
        for (let f = 0; f < fields; f++) {
          const l = mergeRemapped(
            fromBase >= 0 ? baseDict!.list(fromBase, f) : null,
            fromOwn?.[f] ?? null,
            remap,
            withTf,
          );
          if (l.length) any = true;
          row.push(l);
        }
        // Lists differ in length by orders of magnitude: offer to stop by the slots walked.
        for (const l of row) step += l.length + 8;
        if (step >= STEP_SLOTS) {
          step = 0;
          yield;
        }
        if (!any) continue;
        keys.push(key);
        lists.push(...row);
      }
      return { keys, fields, withTf, list: (i, f) => lists[i * fields + f]! } satisfies DictionaryInput;
    }
    const single = (m: Map<string, GrowList>) => new Map([...m].map(([k, v]) => [k, [v]]));
    return {
      state,
      analyser: this.analyzer.id,
      n,
      ids,
      docs,
      totals: [this.totals[0], this.totals[1]],
      importance: pick(c.importance),
      createdMs: pick(c.createdMs),
      updatedMs: pick(c.updatedMs),
      expiresMs: pick(c.expiresMs),
      version: pick(c.version),
      pinned: pick(c.pinned),
      kind: pick(c.kind),
      lengths: [pick(this.lengths[0]), pick(this.lengths[1])],
      terms: yield* dict(2, true, base?.terms, this.terms),
      tags: yield* dict(1, false, base?.tags, single(this.tags)),
      sessions: yield* dict(1, false, base?.sessions, single(this.sessions)),
      groups: yield* dict(1, false, base?.groups, single(this.groups)),
    };
  }
}

/** Whether `a` and `b` differ by exactly one edit (insertion, deletion, substitution, adjacent swap). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return false;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // one letter replaced
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swapped
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function isSorted(entries: [string, number][]): boolean {
  for (let i = 1; i < entries.length; i++) if (entries[i - 1]![0] > entries[i]![0]) return false;
  return true;
}

const NO_LIST: SlotList = { shorts: new Int32Array(0), tfs: null, length: 0 };

/** Two lists remapped to new slots (dead ones dropped), merged in ascending order. */
function mergeRemapped(a: SlotList | null, b: SlotList | null, remap: Int32Array, withTf: boolean): SlotList {
  const remapOne = (l: SlotList | null): { s: Int32Array; t: Int32Array | null; n: number } => {
    if (!l?.length) return { s: new Int32Array(0), t: null, n: 0 };
    const s = new Int32Array(l.length);
    const t = withTf ? new Int32Array(l.length) : null;
    let n = 0;
    let sorted = true;
    for (let i = 0; i < l.length; i++) {
      const to = remap[l.shorts[i]!]!;
      if (to < 0) continue;
      if (n > 0 && to < s[n - 1]!) sorted = false;
      s[n] = to;
      if (t) t[n] = l.tfs![i]!;
      n++;
    }
    if (!sorted) {
      const idx = Array.from({ length: n }, (_, i) => i).sort((x, y) => s[x]! - s[y]!);
      const s2 = Int32Array.from(idx, (i) => s[i]!);
      const t2 = t ? Int32Array.from(idx, (i) => t[i]!) : null;
      return { s: s2, t: t2, n };
    }
    return { s, t, n };
  };
  const x = remapOne(a);
  const y = remapOne(b);
  if (!x.n && !y.n) return NO_LIST;
  if (!y.n) return { shorts: x.s, tfs: x.t, length: x.n };
  if (!x.n) return { shorts: y.s, tfs: y.t, length: y.n };
  const n = x.n + y.n;
  const s = new Int32Array(n);
  const t = withTf ? new Int32Array(n) : null;
  let i = 0;
  let j = 0;
  for (let k = 0; k < n; k++) {
    if (j >= y.n || (i < x.n && x.s[i]! < y.s[j]!)) {
      s[k] = x.s[i]!;
      if (t) t[k] = x.t![i]!;
      i++;
    } else {
      s[k] = y.s[j]!;
      if (t) t[k] = y.t![j]!;
      j++;
    }
  }
  return { shorts: s, tfs: t, length: n };
}
