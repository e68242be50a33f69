import { checksumHolds, matches, stringAt } from "../byte-scan.js";
import { MAX_STORED_DEPTH, nestedTooDeep, TOO_DEEP } from "../depth.js";
import { readAt } from "../fs-utils.js";
import { CRC_WIDTH, decodeLine, frameLine, lineBody, NEWLINE, peekHeader, TAB } from "../line-codec.js";
import { type BadLine, type Damage, markDamaged } from "./journal-damage.js";
import {
  type Cell,
  type Chunk,
  cellJson,
  createRecordTable,
  isLive,
  moveToFreshChunk,
  type RecordTable,
  tableDelete,
  tableSetValue,
} from "./record-table.js";

/** What a process knows of a journal file: its records and how far it has read. */
export interface JournalState {
  table: RecordTable;
  /** Bytes read so far: always the end of a complete line. */
  consumed: number;
  /** Complete lines read so far, bad ones included: the next line's number is `lines + 1`. */
  lines: number;
  /** Lines that no longer hold a live record (overwritten, deleted). */
  garbage: number;
  /** Lines that cannot be trusted, in file order. */
  bad: BadLine[];
  /** Records whose latest line is bad (see {@link Damage}). */
  damaged: Map<string, Damage>;
  /**
   * Keys whose latest line read is a delete, or `null` when not tracked. Only the lines after a
   * persisted index are read into a state that tracks them: a delete there hides the index's entry.
   */
  deleted: Set<string> | null;
}

/** The state of an empty or unread journal. */
export function emptyJournalState(): JournalState {
  return {
    table: createRecordTable(),
    consumed: 0,
    lines: 0,
    garbage: 0,
    bad: [],
    damaged: new Map(),
    deleted: null,
  };
}

/** Body of a put line: header `{"k","n","e"}`, a tab, the value. */
export function putBody(key: string, version: number, expiresAt: number | null, json: string): string {
  return lineBody(`{"k":${JSON.stringify(key)},"n":${version},"e":${expiresAt}}`, json);
}

/** Body of a delete line. */
export function deleteBody(key: string): string {
  return `{"k":${JSON.stringify(key)},"d":1}`;
}

/** Apply one decoded line (at byte `pos`, `len` bytes); returns why it cannot be applied, or `null`. */
function apply(
  s: JournalState,
  header: Record<string, unknown>,
  valueJson: string | undefined,
  pos: number,
  len: number,
  bulk: boolean,
  checkValues: boolean,
): string | null {
  const key = header.k;
  if (typeof key !== "string") return "record header without a key";
  if (header.d === 1) {
    s.garbage += tableDelete(s.table, key) ? 2 : 1;
    if (s.damaged.size > 0) s.damaged.delete(key);
    s.deleted?.add(key);
    return null;
  }
  const n = header.n;
  const e = header.e;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) return "bad record version";
  if (e !== null && (typeof e !== "number" || !Number.isFinite(e))) return "bad record expiry";
  if (valueJson === undefined) return "record without a value";
  if (nestedTooDeep(valueJson)) return TOO_DEEP;
  if (checkValues && !parses(valueJson)) return "value is not JSON";
  if (s.damaged.size > 0) s.damaged.delete(key);
  if (tableSetValue(s.table, key, valueJson, null, 0, 0, n, e, s.lines + 1, pos, len, bulk, false)) {
    s.garbage += 1;
  }
  return null;
}

function parses(json: string): boolean {
  try {
    JSON.parse(json);
    return true;
  } catch {
    return false;
  }
}

/**
 * Record the bad line `buf[start, end)`. Its key, when its header still reads (checksum or not),
 * marks that record damaged, so that no older version of it is served in its place.
 */
function noteBad(s: JournalState, buf: Buffer, start: number, end: number, base: number, why: string): void {
  const header = peekHeader(buf, start, end);
  const key = typeof header?.k === "string" ? header.k : undefined;
  const bad: BadLine = {
    line: s.lines + 1,
    offset: base + start,
    length: end + 1 - start,
    reason: why,
    ...(key !== undefined ? { key } : {}),
  };
  s.bad.push(bad);
  if (key !== undefined) markDamaged(s.table, s.damaged, key, bad, header?.n);
}

const CHUNK = 8 << 20;
const K = Buffer.from('{"k":');
const N = Buffer.from(',"n":');
const E = Buffer.from(',"e":');
const NULL_END = Buffer.from("null}\t");

/** Values shorter than this many bytes cannot nest too deep: see {@link nestedTooDeep}. */
const DEEP_MIN_BYTES = 2 * (MAX_STORED_DEPTH + 1);

/** True for the bytes of a key that `encodeKey` leaves as it is (`[A-Za-z0-9_-]`). */
function plainByte(b: number): boolean {
  return (
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x30 && b <= 0x39) ||
    b === 0x5f ||
    b === 0x2d
  );
}

/**
 * The common put line `{"k":"…","n":N,"e":null|N}\t<value>`, read straight from its bytes (checksum
 * verified) and applied: returns `undefined` for any other shape (or a bad checksum), which then
 * takes the general path, else what {@link apply} would return for it. No object is made per line
 * but the key and the cell. With `chunk` (a big read), the cell keeps the value as bytes of it.
 * `base` is the file offset of `buf[0]`.
 *
 * Cheaper, same outcome as {@link apply}: the value is decoded only when it must be looked at. A
 * value shorter than {@link DEEP_MIN_BYTES} bytes decodes to fewer UTF-16 units than that (a
 * unit never takes less than a byte, and a broken sequence becomes one U+FFFD), and
 * `nestedTooDeep` passes such a text at once.
 */
function quickPut(
  s: JournalState,
  buf: Buffer,
  chunk: Chunk | null,
  base: number,
  start: number,
  end: number,
  bulk: boolean,
  checkValues: boolean,
): string | null | undefined {
  let i = start + CRC_WIDTH;
  if (!matches(buf, i, K)) return undefined;
  i += K.length;
  if (buf[i] !== 0x22) return undefined;
  // The key: as `stringAt` reads it (which also takes any key with an escape).
  let key: string;
  let plain = true;
  let j = i + 1;
  let ascii = true;
  for (; j < end; j++) {
    const b = buf[j]!;
    if (b === 0x22 || b === 0x5c) break;
    if (b >= 0x80) ascii = false;
    else if (plain && !plainByte(b)) plain = false;
  }
  if (j >= end) return undefined;
  if (buf[j] === 0x5c) {
    const str = stringAt(buf, i, end);
    if (str === null) return undefined;
    key = str[0];
    plain = false;
    i = str[1];
  } else {
    key = buf.toString(ascii ? "latin1" : "utf8", i + 1, j);
    plain &&= ascii;
    i = j + 1;
  }
  if (!matches(buf, i, N)) return undefined;
  i += N.length;
  // Digits as `digitsAt` reads them: at most 15.
  let n = 0;
  let from = i;
  while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39 && i - from < 15) n = n * 10 + buf[i++]! - 0x30;
  if (i === from || !matches(buf, i, E)) return undefined;
  i += E.length;
  let e: number | null = null;
  if (matches(buf, i, NULL_END)) i += NULL_END.length;
  else {
    let at = 0;
    from = i;
    while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39 && i - from < 15) at = at * 10 + buf[i++]! - 0x30;
    if (i === from || buf[i] !== 0x7d || buf[i + 1] !== TAB) return undefined;
    e = at;
    i += 2;
  }
  if (!checksumHolds(buf, start, end)) return undefined;
  if (n < 1) return "bad record version";
  let text: string | null = null;
  if (end - i >= DEEP_MIN_BYTES) {
    text = buf.toString("utf8", i, end);
    if (nestedTooDeep(text)) return TOO_DEEP;
  }
  if (checkValues) {
    text ??= buf.toString("utf8", i, end);
    if (!parses(text)) return "value is not JSON";
  }
  if (s.damaged.size > 0) s.damaged.delete(key);
  const pos = base + start;
  const len = end + 1 - start;
  const line = s.lines + 1;
  const held =
    chunk !== null
      ? tableSetValue(s.table, key, null, chunk, i, end, n, e, line, pos, len, bulk, plain)
      : tableSetValue(
          s.table,
          key,
          text ?? buf.toString("utf8", i, end),
          null,
          0,
          0,
          n,
          e,
          line,
          pos,
          len,
          bulk,
          plain,
        );
  if (held) s.garbage += 1;
  return null;
}

/** Reads longer than this are bulk loads: the key order is rebuilt once, and values stay bytes. */
const BULK_BYTES = 1 << 20;

/** Apply the complete line `buf[start, nl)` read at file offset `base`, noting it when it is bad. */
export function readLine(
  s: JournalState,
  buf: Buffer,
  held: Chunk | null,
  base: number,
  start: number,
  nl: number,
  bulk: boolean,
  checkValues: boolean,
): void {
  let why = quickPut(s, buf, held, base, start, nl, bulk, checkValues);
  if (why === undefined) {
    const line = decodeLine(buf, start, nl);
    why =
      line === null
        ? "bad checksum or record header"
        : apply(s, line.header, line.valueJson, base + start, nl + 1 - start, bulk, checkValues);
  }
  if (why !== null) noteBad(s, buf, start, nl, base, why);
  s.lines += 1;
}

/** A read of journal lines in progress (see {@link startRead}), resumable between steps. */
export interface LineRead {
  readonly upTo: number;
  readonly bulk: boolean;
  readonly checkValues: boolean;
  chunk: number;
  buf: Buffer | null;
  held: Chunk | null;
  want: number;
  start: number;
  chunks: Chunk[];
}

/** Begin reading the complete lines of `[s.consumed, upTo)` into `s`: run {@link readStep} until false. */
export function startRead(s: JournalState, upTo: number, checkValues = false): LineRead {
  const bulk = upTo - s.consumed > BULK_BYTES;
  return { upTo, bulk, checkValues, chunk: CHUNK, buf: null, held: null, want: 0, start: 0, chunks: [] };
}

/**
 * Read on for about `budget` bytes of lines; false once the read is done (then call
 * {@link finishRead}). While a chunk is being read, `s.consumed` stays at its start.
 */
export function readStep(fd: number, s: JournalState, r: LineRead, budget: number): boolean {
  if (r.buf === null) {
    if (s.consumed >= r.upTo) return false;
    r.want = Math.min(r.chunk, r.upTo - s.consumed);
    r.buf = readAt(fd, s.consumed, r.want);
    r.held = r.bulk ? { buf: r.buf, live: 0 } : null;
    r.start = 0;
  }
  const buf = r.buf;
  const stop = r.start + budget;
  let start = r.start;
  for (let nl = buf.indexOf(NEWLINE, start); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
    readLine(s, buf, r.held, s.consumed, start, nl, r.bulk, r.checkValues);
    start = nl + 1;
    if (start >= stop) {
      r.start = start;
      return true;
    }
  }
  s.consumed += start;
  if (r.held !== null && r.held.live > 0) r.chunks.push(r.held);
  r.buf = null;
  r.held = null;
  if (buf.length < r.want) return false;
  if (start === 0) {
    if (r.want === r.upTo - s.consumed) return false;
    r.chunk *= 2;
  }
  return s.consumed < r.upTo;
}

/** End a read: chunks mostly no longer pointed into hand their values to one fresh buffer. */
export function finishRead(s: JournalState, r: LineRead): void {
  const sparse = new Set<Chunk>();
  for (const c of r.chunks) if (c.live > 0 && c.live * 2 < c.buf.length) sparse.add(c);
  if (sparse.size > 0) moveToFreshChunk(s.table.cells.values(), sparse);
}

/**
 * Read the complete lines of `[s.consumed, upTo)` into the state. An incomplete last line is left
 * for later (a write in progress, or torn by a crash). A bad complete line costs only the record on
 * it: it is listed in `s.bad` and, when its key can be read, marks that record damaged. With
 * `checkValues`, every value is also parsed (inspection); otherwise a broken value with a valid
 * checksum is found when it is first read.
 *
 * A bulk read (a fresh process loading a journal, a replaced file) keeps each value as bytes of the
 * chunk it was read in (see {@link Cell}); a small read (what another process just appended) decodes
 * its values at once, so that small chunks are never kept for a few records. A chunk is kept alive
 * by its cells: when, at the end of the read, less than half of a chunk is values still held (most of
 * its lines were superseded, deleted or are not puts), those values are copied to a fresh buffer of
 * their size and the chunk is freed. What stays is then at most the size of the file, and compaction
 * (when most lines are garbage) moves the values to a buffer of the new file's bytes.
 */
export function readJournalLines(fd: number, s: JournalState, upTo: number, checkValues = false): void {
  const r = startRead(s, upTo, checkValues);
  while (readStep(fd, s, r, Number.POSITIVE_INFINITY));
  finishRead(s, r);
}

/** Whether a journal is worth rewriting: most of its lines are garbage or expired records. */
export function worthCompacting(s: JournalState, now: number, minLines: number): boolean {
  if (s.lines < minLines) return false;
  if (s.garbage * 2 > s.lines) return true;
  if (s.lines % 64 !== 0 || s.table.expiring === 0) return false;
  let expired = 0;
  for (const c of s.table.cells.values()) if (!isLive(c, now)) expired++;
  return (s.garbage + expired) * 2 > s.lines;
}

/**
 * Drop expired records from the table and return one framed put line per live record, with the
 * cells in the same order (each cell learns its new line number).
 */
export function liveLines(table: RecordTable, now: number): { lines: string[]; cells: Cell[] } {
  const lines: string[] = [];
  const cells: Cell[] = [];
  for (const [key, c] of table.cells) {
    if (!isLive(c, now)) tableDelete(table, key);
    else {
      lines.push(frameLine(putBody(key, c.version, c.expiresAt, cellJson(c))));
      cells.push(c);
      c.line = lines.length;
    }
  }
  return { lines, cells };
}

/**
 * After a compaction wrote `data` (the lines of {@link liveLines}, in order), point each cell at its
 * line and value in `data`: the old chunks are freed and the table holds no more than the new file. The value
 * of a line is what follows its first tab (a header's JSON never holds a raw tab) up to its newline.
 */
export function rebaseCells(cells: readonly Cell[], data: Buffer): void {
  const chunk: Chunk = { buf: data, live: 0 };
  let at = 0;
  for (const c of cells) {
    const tab = data.indexOf(TAB, at);
    const nl = data.indexOf(NEWLINE, at);
    if (tab === -1 || nl === -1 || tab > nl) throw new Error("compacted journal: lines out of step");
    if (c.src !== null) c.src.live -= c.to - c.from;
    c.text = null;
    c.src = chunk;
    c.from = tab + 1;
    c.to = nl;
    c.pos = at;
    c.len = nl + 1 - at;
    chunk.live += nl - tab - 1;
    at = nl + 1;
  }
}
