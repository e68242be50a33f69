import type { DeepMemory } from "@tta-dev/core";
import MiniSearch from "minisearch";
import { normalizeTerm, tokenize } from "./text.js";

/** One memory as the index holds it. */
export interface IndexedMemory {
  memory: DeepMemory;
  createdMs: number;
  updatedMs: number;
  tags: ReadonlySet<string>;
}

interface Doc {
  id: string;
  content: string;
  tags: string;
}

const FIELDS = ["content", "tags"] as const;

/** minisearch keeps the average field length as a running float; we reset it to the exact quotient. */
interface MiniSearchInternals {
  _avgFieldLength?: unknown;
}

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

/**
 * The per-process search index of one namespace's deep memories: a minisearch full-text index
 * (exact terms, BM25+) plus tag, kind, session and group indexes for pre-filtering.
 *
 * Its content is a function of the set of memories only, never of the order they arrived in: documents
 * are removed with `remove` (not `discard`, which leaves stale document counts behind) and the average
 * field length is recomputed exactly from integer totals after every change.
 */
export class MemoryIndex {
  readonly entries = new Map<string, IndexedMemory>();
  readonly byTag = new Map<string, Set<string>>();
  readonly byKind = new Map<string, Set<string>>();
  readonly bySession = new Map<string, Set<string>>();
  readonly byGroup = new Map<string, Set<string>>();
  readonly text = new MiniSearch<Doc>({
    fields: [...FIELDS],
    idField: "id",
    tokenize,
    processTerm: (term) => normalizeTerm(term),
    searchOptions: { prefix: false, fuzzy: false, combineWith: "OR" },
  });
  private readonly fieldTotals = [0, 0];

  get size(): number {
    return this.entries.size;
  }

  /** Add or replace a memory; an older version than the one held is ignored. */
  upsert(memory: DeepMemory): void {
    const current = this.entries.get(memory.id);
    if (current) {
      if (current.memory.version >= memory.version) return;
      this.removeEntry(current);
    }
    const entry: IndexedMemory = {
      memory,
      createdMs: Date.parse(memory.createdAt),
      updatedMs: Date.parse(memory.updatedAt),
      tags: new Set(memory.tags),
    };
    this.entries.set(memory.id, entry);
    const doc = docOf(memory);
    this.text.add(doc);
    this.count(doc, 1);
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

  /** Make BM25's average field length exact: total unique words / documents, as minisearch counts them. */
  settle(): void {
    const internals = this.text as unknown as MiniSearchInternals;
    const n = this.entries.size;
    if (!Array.isArray(internals._avgFieldLength) || n === 0) return;
    FIELDS.forEach((_, i) => {
      (internals._avgFieldLength as number[])[i] = this.fieldTotals[i]! / n;
    });
  }

  private removeEntry(entry: IndexedMemory): void {
    const { memory } = entry;
    const doc = docOf(memory);
    this.text.remove(doc);
    this.count(doc, -1);
    this.entries.delete(memory.id);
    for (const tag of entry.tags) drop(this.byTag, tag, memory.id);
    drop(this.byKind, memory.kind, memory.id);
    if (memory.sessionId !== undefined) drop(this.bySession, memory.sessionId, memory.id);
    for (const g of new Set(memory.groupIds)) drop(this.byGroup, g, memory.id);
  }

  private count(doc: Doc, sign: 1 | -1): void {
    FIELDS.forEach((field, i) => {
      this.fieldTotals[i]! += sign * new Set(tokenize(doc[field])).size;
    });
  }
}

function docOf(memory: DeepMemory): Doc {
  return { id: memory.id, content: memory.content, tags: memory.tags.join(" ") };
}
