import { encodeSegment, type RecordPage, type StoredRecord } from "@tta-dev/core";

/** One record as held in memory: its value as the JSON text that was stored. */
export interface Cell {
  json: string;
  version: number;
  expiresAt: number | null;
  /** `encodeSegment(key)`: the list order and the cursor. */
  enc: string;
  /** 1-based line of the file that holds it (for error reports). */
  line: number;
}

/** The records of one scope, with keys kept in list order. */
export interface RecordTable {
  cells: Map<string, Cell>;
  /** Keys in ascending encoded order; `null` while a bulk load runs (rebuilt on demand). */
  sorted: string[] | null;
  /** How many cells have an expiry (so sweeps skip tables without any). */
  expiring: number;
}

const PLAIN = /^[A-Za-z0-9_-]*$/;

/** `encodeSegment`, with a shortcut for keys that need no escaping (the usual case: ids). */
export function encodeKey(key: string): string {
  return PLAIN.test(key) ? key : encodeSegment(key);
}

/** An empty table. */
export function createRecordTable(): RecordTable {
  return { cells: new Map(), sorted: [], expiring: 0 };
}

/** Convert a cell into the record the port returns (a fresh copy of the value). */
export function toRecord(key: string, cell: Cell): StoredRecord {
  return { key, value: JSON.parse(cell.json), version: cell.version, expiresAt: cell.expiresAt };
}

/** True when the cell exists and has not expired at `now`. */
export function isLive(cell: Cell | undefined, now: number): cell is Cell {
  return cell !== undefined && (cell.expiresAt === null || cell.expiresAt > now);
}

function lowerBound(t: RecordTable, sorted: string[], enc: string, strict: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = t.cells.get(sorted[mid]!)!.enc;
    if (e < enc || (strict && e === enc)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sortedKeys(t: RecordTable): string[] {
  if (t.sorted === null) {
    const entries = [...t.cells].map(([k, c]) => [c.enc, k] as const);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    t.sorted = entries.map(([, k]) => k);
  }
  return t.sorted;
}

/** Insert or replace a record. With `bulk`, the order is rebuilt lazily (fast loading of big files). */
export function tableSet(t: RecordTable, key: string, cell: Omit<Cell, "enc">, bulk = false): void {
  const prev = t.cells.get(key);
  const full: Cell = { ...cell, enc: prev?.enc ?? encodeKey(key) };
  t.cells.set(key, full);
  t.expiring += (full.expiresAt !== null ? 1 : 0) - (prev && prev.expiresAt !== null ? 1 : 0);
  if (prev || t.sorted === null) return;
  if (bulk) {
    t.sorted = null;
    return;
  }
  t.sorted.splice(lowerBound(t, t.sorted, full.enc, false), 0, key);
}

/** Remove a record; true when it was there (live or expired). */
export function tableDelete(t: RecordTable, key: string): boolean {
  const cell = t.cells.get(key);
  if (!cell) return false;
  if (t.sorted !== null) {
    const i = lowerBound(t, t.sorted, cell.enc, false);
    if (t.sorted[i] === key) t.sorted.splice(i, 1);
    else t.sorted = null;
  }
  if (cell.expiresAt !== null) t.expiring -= 1;
  t.cells.delete(key);
  return true;
}

/** Drop every record. */
export function tableClear(t: RecordTable): void {
  t.cells.clear();
  t.sorted = [];
  t.expiring = 0;
}

/**
 * Live records in list order, starting after `cursor` (an encoded key) and under `prefix`. A cell
 * whose JSON does not parse (a line with a valid checksum but a broken value) is skipped and handed
 * to `onBad` once the page is made, so that one bad record never fails a whole list.
 */
export function pageTable(
  t: RecordTable,
  options: { prefix: string; cursor: string | null; limit: number },
  now: number,
  onBad: (key: string, cell: Cell) => void = () => undefined,
): RecordPage {
  const sorted = sortedKeys(t);
  const encPrefix = encodeSegment(options.prefix);
  let i =
    options.cursor !== null && options.cursor >= encPrefix
      ? lowerBound(t, sorted, options.cursor, true)
      : lowerBound(t, sorted, encPrefix, false);
  const items: StoredRecord[] = [];
  const bad: [string, Cell][] = [];
  let last = "";
  let nextCursor: string | null = null;
  for (; i < sorted.length; i++) {
    const key = sorted[i]!;
    const cell = t.cells.get(key)!;
    if (!cell.enc.startsWith(encPrefix)) break;
    if (!isLive(cell, now)) continue;
    if (items.length === options.limit) {
      nextCursor = last;
      break;
    }
    let record: StoredRecord;
    try {
      record = toRecord(key, cell);
    } catch {
      bad.push([key, cell]);
      continue;
    }
    items.push(record);
    last = cell.enc;
  }
  // Reported after the walk: the handler may take the cell out of `sorted`.
  for (const [key, cell] of bad) onBad(key, cell);
  return { items, nextCursor };
}
