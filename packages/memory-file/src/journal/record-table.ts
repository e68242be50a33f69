import { encodeSegment, type RecordPage, type StoredRecord } from "@tta-dev/core";

/**
 * Bytes read from a journal that cells point into (see {@link Cell}). `live` counts the value bytes
 * of the cells that still point here, so a read can tell when most of a chunk is no longer needed.
 */
export interface Chunk {
  buf: Buffer;
  live: number;
}

/**
 * One record as held in memory. Its value is the JSON text that was stored, held either as a string
 * (`text`: written by this process, read from a small read or from the groups file) or as the bytes
 * `src.buf[from, to)` of a big read of the journal, decoded only when used ({@link cellJson}): a fresh
 * process loading 100 000 records decodes only the ones it reads. The bytes are the journal's as
 * read, checksum verified, so decoding them later gives exactly the text an eager load would have;
 * the buffer is private to this process, so a compaction or a replacement of the file by anyone
 * never changes it.
 */
export interface Cell {
  text: string | null;
  src: Chunk | null;
  from: number;
  to: number;
  version: number;
  expiresAt: number | null;
  /** `encodeSegment(key)`: the list order and the cursor. */
  enc: string;
  /** 1-based line of the file that holds it (for error reports). */
  line: number;
  /** Byte offset of that line in the file and its length with the newline (-1, 0: not in a journal). */
  pos: number;
  len: number;
}

/** The value of a cell as JSON text (decoded from its bytes on each call when it has no string). */
export function cellJson(cell: Cell): string {
  return cell.text ?? cell.src!.buf.toString("utf8", cell.from, cell.to);
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
  return { key, value: JSON.parse(cellJson(cell)), version: cell.version, expiresAt: cell.expiresAt };
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
    // Keys made of a time-ordered id (ULIDs, dated session names) are mostly written in key order:
    // one pass tells, and saves the sort of a large journal.
    const keys: string[] = new Array(t.cells.size);
    let ordered = true;
    let previous = "";
    let i = 0;
    for (const [k, c] of t.cells) {
      keys[i++] = k;
      if (ordered && c.enc < previous) ordered = false;
      previous = c.enc;
    }
    if (ordered) t.sorted = keys;
    else {
      const entries = keys.map((k) => [t.cells.get(k)!.enc, k] as const);
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      t.sorted = entries.map(([, k]) => k);
    }
  }
  return t.sorted;
}

/** Insert or replace a record. With `bulk`, the order is rebuilt lazily (fast loading of big files). */
export function tableSet(
  t: RecordTable,
  key: string,
  cell: { json: string; version: number; expiresAt: number | null; line: number; pos?: number; len?: number },
  bulk = false,
): void {
  const { json, version, expiresAt, line, pos = -1, len = 0 } = cell;
  tableSetValue(t, key, json, null, 0, 0, version, expiresAt, line, pos, len, bulk, false);
}

/**
 * {@link tableSet} without an argument object: the value is `text`, or else the bytes
 * `src.buf[from, to)`, held by line `line` at byte `pos` (`len` bytes). `plainKey` tells that `key`
 * needs no escaping (its encoding is itself).
 * Returns whether the key was held already (live, expired).
 */
export function tableSetValue(
  t: RecordTable,
  key: string,
  text: string | null,
  src: Chunk | null,
  from: number,
  to: number,
  version: number,
  expiresAt: number | null,
  line: number,
  pos: number,
  len: number,
  bulk: boolean,
  plainKey: boolean,
): boolean {
  const prev = t.cells.get(key);
  const enc = prev !== undefined ? prev.enc : plainKey ? key : encodeKey(key);
  const cell: Cell = { text, src, from, to, version, expiresAt, enc, line, pos, len };
  t.cells.set(key, cell);
  if (src !== null) src.live += to - from;
  if (expiresAt !== null) t.expiring += 1;
  if (prev !== undefined) {
    if (prev.expiresAt !== null) t.expiring -= 1;
    if (prev.src !== null) prev.src.live -= prev.to - prev.from;
    return true;
  }
  if (t.sorted === null) return false;
  if (bulk) t.sorted = null;
  else t.sorted.splice(lowerBound(t, t.sorted, enc, false), 0, key);
  return false;
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
  if (cell.src !== null) cell.src.live -= cell.to - cell.from;
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

/**
 * Move the values of `cells` that point into the chunks `from` to one fresh buffer holding only
 * their bytes, so that those chunks (mostly garbage: superseded or deleted records) can be freed.
 */
export function moveToFreshChunk(cells: Iterable<Cell>, from: ReadonlySet<Chunk>): void {
  const moving: Cell[] = [];
  let total = 0;
  for (const c of cells) {
    if (c.src !== null && from.has(c.src)) {
      moving.push(c);
      total += c.to - c.from;
    }
  }
  const chunk: Chunk = { buf: Buffer.allocUnsafeSlow(total), live: total };
  let at = 0;
  for (const c of moving) {
    const n = c.src!.buf.copy(chunk.buf, at, c.from, c.to);
    c.src!.live -= n;
    c.src = chunk;
    c.from = at;
    c.to = at + n;
    at += n;
  }
}
