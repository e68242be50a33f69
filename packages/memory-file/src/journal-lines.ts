import { checksumHolds, digitsAt, matches, stringAt } from "./byte-scan.js";
import { nestedTooDeep, TOO_DEEP } from "./depth.js";
import { readAt } from "./fs-utils.js";
import { type BadLine, type Damage, markDamaged } from "./journal-damage.js";
import {
  CRC_WIDTH,
  type DecodedLine,
  decodeLine,
  frameLine,
  lineBody,
  NEWLINE,
  peekHeader,
  TAB,
} from "./line-codec.js";
import { createRecordTable, isLive, type RecordTable, tableDelete, tableSet } from "./record-table.js";

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
}

/** The state of an empty or unread journal. */
export function emptyJournalState(): JournalState {
  return { table: createRecordTable(), consumed: 0, lines: 0, garbage: 0, bad: [], damaged: new Map() };
}

/** Body of a put line: header `{"k","n","e"}`, a tab, the value. */
export function putBody(key: string, version: number, expiresAt: number | null, json: string): string {
  return lineBody(`{"k":${JSON.stringify(key)},"n":${version},"e":${expiresAt}}`, json);
}

/** Body of a delete line. */
export function deleteBody(key: string): string {
  return `{"k":${JSON.stringify(key)},"d":1}`;
}

/** Apply one decoded line; returns why it cannot be applied, or `null`. */
function apply(
  s: JournalState,
  header: Record<string, unknown>,
  valueJson: string | undefined,
  bulk: boolean,
  checkValues: boolean,
): string | null {
  const key = header.k;
  if (typeof key !== "string") return "record header without a key";
  if (header.d === 1) {
    s.garbage += tableDelete(s.table, key) ? 2 : 1;
    if (s.damaged.size > 0) s.damaged.delete(key);
    return null;
  }
  const n = header.n;
  const e = header.e;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) return "bad record version";
  if (e !== null && (typeof e !== "number" || !Number.isFinite(e))) return "bad record expiry";
  if (valueJson === undefined) return "record without a value";
  if (nestedTooDeep(valueJson)) return TOO_DEEP;
  if (checkValues && !parses(valueJson)) return "value is not JSON";
  if (s.table.cells.has(key)) s.garbage += 1;
  if (s.damaged.size > 0) s.damaged.delete(key);
  tableSet(s.table, key, { json: valueJson, version: n, expiresAt: e, line: s.lines + 1 }, bulk);
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

/**
 * The common put line `{"k":"…","n":N,"e":null|N}\t<value>` decoded from its bytes (checksum
 * verified); `null` for any other shape, which then takes the general path.
 */
function quickPut(buf: Buffer, start: number, end: number): DecodedLine | null {
  const h = start + CRC_WIDTH;
  if (!matches(buf, h, K)) return null;
  const key = stringAt(buf, h + K.length, end);
  if (!key || !matches(buf, key[1], N)) return null;
  const n = digitsAt(buf, key[1] + N.length, end);
  if (!n || !matches(buf, n[1], E)) return null;
  let e: number | null = null;
  let valueStart: number;
  if (matches(buf, n[1] + E.length, NULL_END)) valueStart = n[1] + E.length + NULL_END.length;
  else {
    const at = digitsAt(buf, n[1] + E.length, end);
    if (!at || buf[at[1]] !== 0x7d || buf[at[1] + 1] !== TAB) return null;
    e = at[0];
    valueStart = at[1] + 2;
  }
  if (!checksumHolds(buf, start, end)) return null;
  return { header: { k: key[0], n: n[0], e }, valueJson: buf.toString("utf8", valueStart, end) };
}

/**
 * Read the complete lines of `[s.consumed, upTo)` into the state. An incomplete last line is left
 * for later (a write in progress, or torn by a crash). A bad complete line costs only the record on
 * it: it is listed in `s.bad` and, when its key can be read, marks that record damaged. With
 * `checkValues`, every value is also parsed (inspection); otherwise a broken value with a valid
 * checksum is found when it is first read.
 */
export function readJournalLines(fd: number, s: JournalState, upTo: number, checkValues = false): void {
  const bulk = upTo - s.consumed > 1 << 20;
  let chunk = CHUNK;
  while (s.consumed < upTo) {
    const want = Math.min(chunk, upTo - s.consumed);
    const buf = readAt(fd, s.consumed, want);
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
      const line = quickPut(buf, start, nl) ?? decodeLine(buf, start, nl);
      const why =
        line === null
          ? "bad checksum or record header"
          : apply(s, line.header, line.valueJson, bulk, checkValues);
      if (why !== null) noteBad(s, buf, start, nl, s.consumed, why);
      s.lines += 1;
      start = nl + 1;
    }
    s.consumed += start;
    if (buf.length < want) return;
    if (start === 0) {
      if (want === upTo - s.consumed) return;
      chunk *= 2;
    }
  }
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
 * Drop expired records from the table and return one framed put line per live record (each cell
 * learns its new line number).
 */
export function liveLines(table: RecordTable, now: number): string[] {
  const parts: string[] = [];
  for (const [key, c] of table.cells) {
    if (!isLive(c, now)) tableDelete(table, key);
    else {
      parts.push(frameLine(putBody(key, c.version, c.expiresAt, c.json)));
      c.line = parts.length;
    }
  }
  return parts;
}
