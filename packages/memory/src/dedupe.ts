import type { DeepMemory, MemoryKind } from "@tta-dev/core";
import { hashedMemoryId } from "./lesson-id.js";
import type { MemoryIndex } from "./memory-index.js";
import { walkLive } from "./memory-search.js";
import { normalizeTerm, type TextAnalyzer, tokenize } from "./text.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The text two memories must share to be duplicates: its words, folded (case and accents), joined by
 * one space; spacing and punctuation do not count, stop words do ("do not retry" is not "retry").
 *
 * @example
 * contentKey("Pool  Redis connections!") === contentKey("pool redis connections"); // true
 */
export function contentKey(text: string): string {
  const words: string[] = [];
  for (const word of tokenize(text)) {
    const folded = normalizeTerm(word);
    if (folded !== null) words.push(folded);
  }
  return words.join(" ");
}

/**
 * The live, unexpired memory of `kind` whose {@link contentKey} is `key`, the first created when there are several
 * (then the smaller id), or `null`. Exact: every memory holding the text's rarest term is compared (all
 * live memories when the text has only stop words).
 */
export function findDuplicate(
  index: MemoryIndex,
  content: string,
  kind: MemoryKind,
  analyzer: TextAnalyzer,
  nowMs: number,
): DeepMemory | null {
  const key = contentKey(content);
  const terms = new Set<string>();
  for (const word of tokenize(content)) {
    const term = analyzer.term(word);
    if (term !== null) terms.add(term);
  }
  let rarest: ReturnType<MemoryIndex["termParts"]> | null = null;
  let fewest = Number.POSITIVE_INFINITY;
  for (const term of [...terms].sort()) {
    const parts = index.termParts(term, 0);
    const count = index.liveCount(parts);
    if (count === 0) return null;
    if (count < fewest) {
      fewest = count;
      rarest = parts;
    }
  }
  let best: DeepMemory | null = null;
  const consider = (memory: DeepMemory) => {
    if (memory.kind !== kind || contentKey(memory.content) !== key) return;
    if (memory.expiresAt !== undefined && Date.parse(memory.expiresAt) <= nowMs) return;
    if (
      !best ||
      memory.createdAt < best.createdAt ||
      (memory.createdAt === best.createdAt && memory.id < best.id)
    ) {
      best = memory;
    }
  };
  if (rarest) for (const slot of walkLive(index, rarest)) consider(index.memoryAt(slot));
  else for (const memory of index.memories()) consider(memory);
  return best;
}

/**
 * The id under which `create` with `dedupe` stores a new memory: the ULID time of the current UTC day
 * and 80 bits of a hash of kind and {@link contentKey}. Two processes storing the same text on the same
 * day race for one id, so only one memory is stored.
 */
export function dedupeMemoryId(kind: MemoryKind, key: string, nowMs: number): string {
  return hashedMemoryId(Math.floor(nowMs / DAY_MS) * DAY_MS, `dedupe\n${kind}\n${key}`);
}
