import { closeSync, fstatSync, openSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "@tta-dev/core";
import { createFileBackend, type FileBackend } from "../src/index.js";
import { loadJournalIndex } from "../src/journal/journal-index.js";
import { openPointReader } from "../src/journal/journal-point.js";

export const scope = { namespace: "default", collection: "memories" };
export const journalOf = (root: string) => join(root, "ns", "default", "rec", "memories.jsonl");

/** A value of about `bytes` bytes. */
export const big = (n: number, bytes = 3000) => ({ n, pad: "p".repeat(bytes) });

/** Write `count` records `k<i>` of about 3 KB (enough for a journal that gets an index). */
export async function seedJournal(root: string, count = 500, clock?: Clock): Promise<void> {
  const b = createFileBackend({ root, ...(clock ? { clock } : {}) });
  for (let i = 0; i < count; i++) await b.put(scope, `k${i}`, big(i));
  await b.close();
}

/** Whether the index beside the journal is usable as the files stand. */
export function indexHolds(root: string): boolean {
  const fd = openSync(journalOf(root), "r");
  try {
    return loadJournalIndex(journalOf(root), fd, fstatSync(fd)) !== null;
  } finally {
    closeSync(fd);
  }
}

/** How many of `keys` a point reader (a fresh process, index only) answers without reading the journal whole. */
export function pointAnswers(root: string, keys: readonly string[]): number {
  const p = openPointReader(journalOf(root));
  if (p === null) return 0;
  let n = 0;
  for (const k of keys) if (p.get(k) !== undefined) n++;
  p.close();
  return n;
}

/**
 * What a fresh process reads for `keys`: through the index (`get` only), and with the journal read
 * whole first (`list` loads it); each answer as `{ value, version, expiresAt }`, `null` or an error code.
 */
export async function readBothWays(
  root: string,
  keys: readonly string[],
  clock?: Clock,
): Promise<{ indexed: unknown[]; whole: unknown[] }> {
  const opts = { root, ...(clock ? { clock } : {}) };
  const answer = async (b: FileBackend, k: string) => {
    try {
      const r = await b.get(scope, k);
      return r && { value: r.value, version: r.version, expiresAt: r.expiresAt };
    } catch (e) {
      return { code: (e as { code?: string }).code };
    }
  };
  const fresh = createFileBackend(opts);
  const indexed = [];
  for (const k of keys) indexed.push(await answer(fresh, k));
  await fresh.close();
  const ref = createFileBackend(opts);
  await ref.list(scope, { limit: 1 }).catch(() => undefined);
  const whole = [];
  for (const k of keys) whole.push(await answer(ref, k));
  await ref.close();
  return { indexed, whole };
}
