import { keyFor, type Scope } from "@tta-dev/core";
import { decodeDirectory, decodePage, encodeDirectory, type IndexDirectory } from "./codec.js";
import type { StoreEntry, StoreGateway } from "./store-gateway.js";

/** Most keys one index page holds before it splits in two. */
export const INDEX_PAGE_SIZE = 256;

/**
 * The ordered key index of one scope, kept in plain Keyv keys because Keyv cannot list: a directory
 * (`…:i`) of pages (`…:i:<id>`), each a sorted array of encoded record keys. Adding or removing a key
 * rewrites one page (and the directory only on a split or when a page empties), so cost stays
 * bounded as a collection grows. Every mutation runs inside the scope's write lane.
 */
export interface KeyIndex {
  /**
   * The writes that record `encoded` as existing, in the order they must land (none when it is
   * already there). The caller performs them, so they can share a round trip with its own write.
   */
  planAdd(scope: Scope, encoded: string): Promise<StoreEntry[][]>;
  /** Forget keys; drops emptied pages, and the whole index when nothing is left. */
  remove(scope: Scope, encoded: readonly string[]): Promise<void>;
  /** Pages of keys `>= from`, ascending, one page per step. */
  scan(scope: Scope, from: string): AsyncGenerator<string[]>;
  /** Every page of the scope with its store key, for `clear`. */
  pages(scope: Scope): Promise<{ storeKey: string; keys: string[] }[]>;
  /** Delete the directory and the given page keys. */
  drop(scope: Scope, pageKeys: readonly string[]): Promise<void>;
}

function lastAtMost(dir: IndexDirectory, key: string): number {
  let lo = 0;
  let hi = dir.pages.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (dir.pages[mid]![1] <= key) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function position(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Create the index over a gateway.
 *
 * @example
 * const index = createKeyIndex(gateway);
 * await gateway.writeInOrder(await index.planAdd(scope, encodeSegment("note-1")));
 */
export function createKeyIndex(gateway: StoreGateway, pageSize = INDEX_PAGE_SIZE): KeyIndex {
  const dirKey = (scope: Scope) => keyFor(scope, "i");
  const pageKey = (scope: Scope, id: number) => keyFor(scope, "i", String(id));

  async function readDirectory(scope: Scope): Promise<IndexDirectory | null> {
    const key = dirKey(scope);
    const raw = await gateway.get(key);
    return raw === undefined ? null : decodeDirectory(raw, key);
  }

  async function readPage(scope: Scope, id: number): Promise<string[]> {
    const key = pageKey(scope, id);
    const raw = await gateway.get(key);
    // A page the directory lists but the store lost reads as empty: the records stay reachable
    // by key and the next write repairs the page.
    return raw === undefined ? [] : decodePage(raw, key);
  }

  return {
    async planAdd(scope, encoded) {
      const existing = await readDirectory(scope);
      const dir: IndexDirectory = existing ?? { next: 1, pages: [[0, ""]] };
      const at = lastAtMost(dir, encoded);
      const [id] = dir.pages[at]!;
      const keys = existing ? await readPage(scope, id) : [];
      const pos = position(keys, encoded);
      if (keys[pos] === encoded) return [];
      keys.splice(pos, 0, encoded);
      const directory = () => [{ key: dirKey(scope), value: encodeDirectory(dir) }];
      if (keys.length <= pageSize) {
        const page = [{ key: pageKey(scope, id), value: JSON.stringify(keys) }];
        return existing ? [page] : [page, directory()];
      }
      const half = keys.length >> 1;
      const right = keys.slice(half);
      const newId = dir.next;
      dir.next += 1;
      dir.pages.splice(at + 1, 0, [newId, right[0]!]);
      // Pages first, then the directory that points at them.
      return [
        [
          { key: pageKey(scope, id), value: JSON.stringify(keys.slice(0, half)) },
          { key: pageKey(scope, newId), value: JSON.stringify(right) },
        ],
        directory(),
      ];
    },

    async remove(scope, encoded) {
      if (encoded.length === 0) return;
      const dir = await readDirectory(scope);
      if (!dir) return;
      const byPage = new Map<number, Set<string>>();
      for (const key of encoded) {
        const at = lastAtMost(dir, key);
        const set = byPage.get(at) ?? new Set();
        set.add(key);
        byPage.set(at, set);
      }
      const writes: { key: string; value: string }[] = [];
      const emptied = new Set<number>();
      for (const [at, gone] of byPage) {
        const [id] = dir.pages[at]!;
        const keys = await readPage(scope, id);
        const kept = keys.filter((k) => !gone.has(k));
        if (kept.length === keys.length) continue;
        if (kept.length === 0) emptied.add(at);
        else writes.push({ key: pageKey(scope, id), value: JSON.stringify(kept) });
      }
      if (emptied.size === dir.pages.length) {
        await gateway.deleteMany([dirKey(scope), ...dir.pages.map(([id]) => pageKey(scope, id))]);
        return;
      }
      await gateway.setMany(writes);
      if (emptied.size === 0) return;
      const droppedKeys = [...emptied].map((at) => pageKey(scope, dir.pages[at]![0]));
      dir.pages = dir.pages.filter((_, at) => !emptied.has(at));
      dir.pages[0]![1] = "";
      await gateway.setMany([{ key: dirKey(scope), value: encodeDirectory(dir) }]);
      await gateway.deleteMany(droppedKeys);
    },

    async *scan(scope, from) {
      const dir = await readDirectory(scope);
      if (!dir) return;
      for (let at = lastAtMost(dir, from); at < dir.pages.length; at++) {
        const keys = await readPage(scope, dir.pages[at]![0]);
        const start = at === 0 && from === "" ? 0 : position(keys, from);
        if (start < keys.length) yield keys.slice(start);
      }
    },

    async pages(scope) {
      const dir = await readDirectory(scope);
      if (!dir) return [];
      const keys = dir.pages.map(([id]) => pageKey(scope, id));
      const raws = await gateway.getMany(keys);
      return raws.map((raw, i) => ({
        storeKey: keys[i]!,
        keys: raw === undefined ? [] : decodePage(raw, keys[i]!),
      }));
    },

    async drop(scope, pageKeys) {
      await gateway.deleteMany([dirKey(scope), ...pageKeys]);
    },
  };
}
