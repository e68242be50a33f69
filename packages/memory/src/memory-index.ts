import type { DeepMemory } from "@tta-dev/core";
import MiniSearch from "minisearch";
import { minisearchPostings, type Postings } from "./minisearch-postings.js";
import { normalizeTerm, tokenize } from "./text.js";

/** One memory as the index holds it. */
export interface IndexedMemory {
  memory: DeepMemory;
  createdMs: number;
  updatedMs: number;
  tags: ReadonlySet<string>;
  /** minisearch's short id: the slot of this memory in the scoring arrays. */
  short: number;
}

interface Doc {
  id: string;
  content: string;
  tags: string;
}

/** At most this many packed postings lists are cached (then the cache starts over). */
const MAX_PACKED_TERMS = 4096;

/** The indexed text fields, in the order their scores are added up. */
export const TEXT_FIELDS = ["content", "tags"] as const;

function add(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (set) set.add(id);
  else map.set(key, new Set([id]));
}

function drop(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}

type Typed = Int32Array | Float64Array | Uint8Array;

function grow<T extends Typed>(a: T, need: number): T {
  if (need < a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need + 1, a.length * 2));
  b.set(a as never);
  return b;
}

/** The kinds, as small codes for the per-slot array. */
export const KIND_CODES: Readonly<Record<DeepMemory["kind"], number>> = Object.freeze({
  observation: 0,
  lesson: 1,
  decision: 2,
  pattern: 3,
  failure: 4,
});

/** The postings of one term in one field as parallel arrays: short ids and term frequencies. */
export interface PackedPostings {
  shorts: Int32Array;
  tfs: Int32Array;
}

/**
 * What ranking reads for every candidate, kept in flat arrays by short id: walking them stays in
 * cache, where following each entry object to its memory would miss it for most of 100k documents.
 */
export interface SlotColumns {
  importance: Float64Array;
  createdMs: Float64Array;
  updatedMs: Float64Array;
  pinned: Uint8Array;
  kind: Uint8Array;
}

/**
 * The per-process search index of one namespace's deep memories: minisearch's inverted index over
 * content and tags (exact, normalised terms) plus tag, kind, session and group indexes.
 *
 * Its statistics depend on the set of memories only, never on the order they arrived in: documents
 * leave with `remove` (which updates the postings at once) and field lengths are kept as integers.
 */
export class MemoryIndex {
  readonly entries = new Map<string, IndexedMemory>();
  readonly byTag = new Map<string, Set<string>>();
  readonly byKind = new Map<string, Set<string>>();
  readonly bySession = new Map<string, Set<string>>();
  readonly byGroup = new Map<string, Set<string>>();
  /** Unique words per field of each short id (minisearch's field length). */
  lengths: Int32Array[] = TEXT_FIELDS.map(() => new Int32Array(1024));
  /** Total of `lengths` per field over live memories. */
  readonly totals: number[] = TEXT_FIELDS.map(() => 0);
  /** The entry at each short id (sparse). */
  bySlot: (IndexedMemory | undefined)[] = [];
  readonly columns: SlotColumns = {
    importance: new Float64Array(1024),
    createdMs: new Float64Array(1024),
    updatedMs: new Float64Array(1024),
    pinned: new Uint8Array(1024),
    kind: new Uint8Array(1024),
  };
  /** Packed copies of the postings of queried terms, dropped when a document with the term changes. */
  private readonly packed = new Map<string, PackedPostings>();
  private readonly text = new MiniSearch<Doc>({
    fields: [...TEXT_FIELDS],
    idField: "id",
    tokenize,
    processTerm: (term) => normalizeTerm(term),
  });
  readonly postings: Postings = minisearchPostings(this.text);

  get size(): number {
    return this.entries.size;
  }

  /** One past the largest short id ever handed out (the size the scoring arrays need). */
  get slots(): number {
    return this.bySlot.length;
  }

  /** Add or replace a memory; an older version than the one held is ignored. */
  upsert(memory: DeepMemory): void {
    const current = this.entries.get(memory.id);
    if (current) {
      if (current.memory.version >= memory.version) return;
      this.removeEntry(current);
    }
    const doc = docOf(memory);
    this.text.add(doc);
    const short = this.postings.shortId(memory.id);
    const entry: IndexedMemory = {
      memory,
      createdMs: Date.parse(memory.createdAt),
      updatedMs: Date.parse(memory.updatedAt),
      tags: new Set(memory.tags),
      short,
    };
    this.entries.set(memory.id, entry);
    this.bySlot[short] = entry;
    this.invalidate(doc);
    const c = this.columns;
    c.importance = grow(c.importance, short);
    c.createdMs = grow(c.createdMs, short);
    c.updatedMs = grow(c.updatedMs, short);
    c.pinned = grow(c.pinned, short);
    c.kind = grow(c.kind, short);
    c.importance[short] = memory.importance;
    c.createdMs[short] = entry.createdMs;
    c.updatedMs[short] = entry.updatedMs;
    c.pinned[short] = memory.pinned ? 1 : 0;
    c.kind[short] = KIND_CODES[memory.kind];
    TEXT_FIELDS.forEach((field, f) => {
      const n = new Set(tokenize(doc[field])).size;
      this.lengths[f] = grow(this.lengths[f]!, short);
      this.lengths[f]![short] = n;
      this.totals[f]! += n;
    });
    for (const tag of entry.tags) add(this.byTag, tag, memory.id);
    add(this.byKind, memory.kind, memory.id);
    if (memory.sessionId !== undefined) add(this.bySession, memory.sessionId, memory.id);
    for (const g of new Set(memory.groupIds)) add(this.byGroup, g, memory.id);
  }

  /** Forget a memory. */
  remove(id: string): void {
    const current = this.entries.get(id);
    if (current) this.removeEntry(current);
  }

  /** Drop everything (before a full rebuild). */
  clear(): void {
    for (const entry of [...this.entries.values()]) this.removeEntry(entry);
  }

  private removeEntry(entry: IndexedMemory): void {
    const { memory, short } = entry;
    const doc = docOf(memory);
    this.text.remove(doc);
    this.invalidate(doc);
    TEXT_FIELDS.forEach((_, f) => {
      this.totals[f]! -= this.lengths[f]![short]!;
      this.lengths[f]![short] = 0;
    });
    this.bySlot[short] = undefined;
    this.entries.delete(memory.id);
    for (const tag of entry.tags) drop(this.byTag, tag, memory.id);
    drop(this.byKind, memory.kind, memory.id);
    if (memory.sessionId !== undefined) drop(this.bySession, memory.sessionId, memory.id);
    for (const g of new Set(memory.groupIds)) drop(this.byGroup, g, memory.id);
  }

  /** The postings of a term in a field as flat arrays (built on first use, then cached). */
  packedPostings(term: string, field: number): PackedPostings | undefined {
    const key = `${field}:${term}`;
    const hit = this.packed.get(key);
    if (hit) return hit;
    const postings = this.postings.of(term, field);
    if (!postings || postings.size === 0) return undefined;
    const shorts = new Int32Array(postings.size);
    const tfs = new Int32Array(postings.size);
    let i = 0;
    postings.forEach((tf, short) => {
      shorts[i] = short;
      tfs[i++] = tf;
    });
    const packed = { shorts, tfs };
    if (this.packed.size >= MAX_PACKED_TERMS) this.packed.clear();
    this.packed.set(key, packed);
    return packed;
  }

  private invalidate(doc: Doc): void {
    if (this.packed.size === 0) return;
    TEXT_FIELDS.forEach((field, f) => {
      for (const word of tokenize(doc[field])) {
        const term = normalizeTerm(word);
        if (term !== null) this.packed.delete(`${f}:${term}`);
      }
    });
  }

  /** minisearch's own search, for checking our scorer against it in tests. */
  referenceSearch(query: string): { id: string; score: number }[] {
    return this.text
      .search(query, { prefix: false, fuzzy: false, combineWith: "OR" })
      .map((r) => ({ id: r.id as string, score: r.score }));
  }
}

function docOf(memory: DeepMemory): Doc {
  return { id: memory.id, content: memory.content, tags: memory.tags.join(" ") };
}
