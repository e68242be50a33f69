import {
  type Clock,
  decodeSegment,
  encodeSegment,
  keyFor,
  type RecordPage,
  type Scope,
  type StoredRecord,
  VersionConflictError,
} from "@tta-dev/core";
import { decodeRecord, encodeRecord, type RecordCell } from "./codec.js";
import type { KeyIndex } from "./key-index.js";
import type { StoreGateway } from "./store-gateway.js";

/** How many records one store round trip reads or deletes in `clear`. */
const CHUNK = 500;

/**
 * Versioned records over plain keys (`…:r:<key>`), listed through the scope's {@link KeyIndex}.
 * Expiry is checked on read against the clock. Input is already validated; `put`, `delete`, `list`
 * (which sweeps what it finds dead) and `clear` run inside the scope's write lane.
 */
export interface RecordStore {
  get(scope: Scope, key: string): Promise<StoredRecord | null>;
  getMany(scope: Scope, keys: readonly string[]): Promise<(StoredRecord | null)[]>;
  /** `json` is the value as `serializeValue` wrote it. */
  put(scope: Scope, key: string, json: string, ifVersion?: number, ttlMs?: number): Promise<StoredRecord>;
  delete(scope: Scope, key: string, ifVersion?: number): Promise<boolean>;
  list(scope: Scope, prefix: string, cursor: string | null, limit: number): Promise<RecordPage>;
  clear(scope: Scope): Promise<number>;
}

/** What a {@link RecordStore} works with. */
export interface RecordStoreOptions {
  gateway: StoreGateway;
  index: KeyIndex;
  clock: Clock;
  /** Hand TTLs to Keyv as well, so the store can drop expired records itself. */
  storeTtl: boolean;
}

/**
 * Create the record store.
 *
 * @example
 * const records = createRecordStore({ gateway, index, clock: systemClock, storeTtl: true });
 * await records.put(scope, "a", serializeValue({ text: "hi" }), 0);
 */
export function createRecordStore({ gateway, index, clock, storeTtl }: RecordStoreOptions): RecordStore {
  const recordKey = (scope: Scope, key: string) => keyFor(scope, "r", key);
  /** The same key from an already encoded record key, as the index holds it. */
  const encodedRecordKey = (scope: Scope, encoded: string) => `${keyFor(scope, "r")}:${encoded}`;
  const live = (cell: RecordCell) => cell.expiresAt === null || cell.expiresAt > clock.now();
  const cellOf = (raw: unknown, place: string) => (raw === undefined ? null : decodeRecord(raw, place));

  function toRecord(key: string, cell: RecordCell | null): StoredRecord | null {
    if (!cell || !live(cell)) return null;
    return { key, value: cell.value, version: cell.version, expiresAt: cell.expiresAt };
  }

  async function readCurrent(scope: Scope, key: string, ifVersion: number | undefined) {
    const place = recordKey(scope, key);
    const stored = cellOf(await gateway.get(place), place);
    const current = stored && live(stored) ? stored.version : 0;
    if (ifVersion !== undefined && ifVersion !== current) {
      throw new VersionConflictError(`Record "${key}"`, ifVersion, current);
    }
    return { place, stored, current };
  }

  /** Drop index entries whose record is gone, and records that have expired. */
  async function sweep(scope: Scope, gone: string[], expired: string[]): Promise<void> {
    await gateway.deleteMany(expired.map((e) => encodedRecordKey(scope, e)));
    await index.remove(scope, [...gone, ...expired]);
  }

  return {
    async get(scope, key) {
      const place = recordKey(scope, key);
      return toRecord(key, cellOf(await gateway.get(place), place));
    },

    async getMany(scope, keys) {
      const places = keys.map((k) => recordKey(scope, k));
      const raws = await gateway.getMany(places);
      return raws.map((raw, i) => toRecord(keys[i]!, cellOf(raw, places[i]!)));
    },

    async put(scope, key, json, ifVersion, ttlMs) {
      const { place, stored, current } = await readCurrent(scope, key, ifVersion);
      // The index learns of a key before its record exists, so a record is never unlisted.
      const indexWrites = stored ? [] : await index.planAdd(scope, encodeSegment(key));
      const expiresAt = ttlMs === undefined ? null : clock.now() + ttlMs;
      const version = current + 1;
      const record = {
        key: place,
        value: encodeRecord(version, expiresAt, json),
        ...(storeTtl && ttlMs !== undefined ? { ttlMs } : {}),
      };
      await gateway.writeInOrder([...indexWrites, [record]]);
      return { key, value: JSON.parse(json), version, expiresAt };
    },

    async delete(scope, key, ifVersion) {
      const { place, stored, current } = await readCurrent(scope, key, ifVersion);
      if (stored) {
        await gateway.deleteMany([place]);
        await index.remove(scope, [encodeSegment(key)]);
      }
      return current !== 0;
    },

    async list(scope, prefix, cursor, limit) {
      const encodedPrefix = encodeSegment(prefix);
      const from = cursor !== null && cursor > encodedPrefix ? cursor : encodedPrefix;
      // One live record past the page tells whether there is a next page.
      const items: { encoded: string; record: StoredRecord }[] = [];
      const gone: string[] = [];
      const expired: string[] = [];
      let done = false;
      for await (const page of index.scan(scope, from)) {
        let candidates = page.filter((k) => cursor === null || k > cursor);
        // Keys with one prefix are contiguous in the index: the first one without it ends the scan.
        const end = candidates.findIndex((k) => !k.startsWith(encodedPrefix));
        if (end >= 0) {
          candidates = candidates.slice(0, end);
          done = true;
        }
        while (candidates.length && items.length <= limit) {
          const slice = candidates.splice(0, limit + 1 - items.length);
          const places = slice.map((e) => encodedRecordKey(scope, e));
          const raws = await gateway.getMany(places);
          raws.forEach((raw, i) => {
            const cell = cellOf(raw, places[i]!);
            if (!cell) gone.push(slice[i]!);
            else if (!live(cell)) expired.push(slice[i]!);
            else items.push({ encoded: slice[i]!, record: toRecord(decodeSegment(slice[i]!), cell)! });
          });
        }
        if (done || items.length > limit) break;
      }
      if (gone.length || expired.length) await sweep(scope, gone, expired);
      const more = items.length > limit;
      return {
        items: items.slice(0, limit).map((i) => i.record),
        nextCursor: more ? items[limit - 1]!.encoded : null,
      };
    },

    async clear(scope) {
      const pages = await index.pages(scope);
      const encoded = pages.flatMap((p) => p.keys);
      let count = 0;
      for (let i = 0; i < encoded.length; i += CHUNK) {
        const places = encoded.slice(i, i + CHUNK).map((e) => encodedRecordKey(scope, e));
        const raws = await gateway.getMany(places);
        raws.forEach((raw, j) => {
          const cell = cellOf(raw, places[j]!);
          if (cell && live(cell)) count += 1;
        });
        await gateway.deleteMany(places);
      }
      await index.drop(
        scope,
        pages.map((p) => p.storeKey),
      );
      return count;
    },
  };
}
