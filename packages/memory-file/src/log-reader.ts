import type { LogEntry } from "@tta-dev/core";
import { checksumHolds, digitsAt, matches, stringAt } from "./byte-scan.js";
import { corruptError } from "./corrupt.js";
import { readAt } from "./fs-utils.js";
import { CRC_WIDTH, type DecodedLine, decodeLine, NEWLINE, peekHeader, TAB } from "./line-codec.js";

/** The committed end of a log file and its last seq. */
export interface LogTail {
  /** Byte offset just after the last committed line; anything beyond is torn or in progress. */
  validEnd: number;
  lastSeq: number;
}

/** A log line's header: seq, how many lines of its batch follow it, idempotency key. */
interface LogHeader {
  s: number;
  r: number;
  k?: string;
}

function asHeader(h: Record<string, unknown> | null): LogHeader | null {
  if (h === null) return null;
  if (typeof h.s !== "number" || !Number.isInteger(h.s) || h.s < 1) return null;
  if (typeof h.r !== "number" || !Number.isInteger(h.r) || h.r < 0) return null;
  if (h.k !== undefined && typeof h.k !== "string") return null;
  return h as unknown as LogHeader;
}

const PREFIX = Buffer.from('{"s":');
const MIDDLE = Buffer.from(',"r":');

/**
 * The common log line `{"s":N,"r":N}\t<value>` decoded without parsing its header as JSON (the
 * checksum is still verified); `null` for any other shape, which then takes the general path.
 */
function quickLogLine(buf: Buffer, start: number, end: number): DecodedLine | null {
  const h = start + CRC_WIDTH;
  if (end - h < 14 || !matches(buf, h, PREFIX)) return null;
  const s = digitsAt(buf, h + PREFIX.length, end);
  if (!s || !matches(buf, s[1], MIDDLE)) return null;
  const r = digitsAt(buf, s[1] + MIDDLE.length, end);
  if (!r || buf[r[1]] !== 0x7d || buf[r[1] + 1] !== TAB) return null;
  if (!checksumHolds(buf, start, end)) return null;
  return { header: { s: s[0], r: r[0] }, valueJson: buf.toString("utf8", r[1] + 2, end) };
}

function entryAt(
  file: string,
  buf: Buffer,
  start: number,
  end: number,
  base: number,
  expected: number,
): LogEntry {
  const line = quickLogLine(buf, start, end) ?? decodeLine(buf, start, end);
  const header = asHeader(line?.header ?? null);
  if (!line || !header || line.valueJson === undefined) {
    throw corruptError({ file, line: expected, offset: base + start }, "bad checksum or log header");
  }
  if (header.s !== expected) {
    throw corruptError(
      { file, line: expected, offset: base + start },
      `expected seq ${expected}, found ${header.s}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(line.valueJson);
  } catch {
    throw corruptError({ file, line: expected, offset: base + start }, "value is not JSON");
  }
  return header.k === undefined
    ? { seq: header.s, value }
    : { seq: header.s, value, idempotencyKey: header.k };
}

/**
 * Find the committed end of a log by reading backwards from `size`: the last line whose batch is
 * complete (`r` = 0). An incomplete last line, or the lines of a batch whose last line never made
 * it, are torn (or still being written) and lie beyond `validEnd`.
 */
export function readTail(file: string, fd: number, size: number): LogTail {
  let chunk = 4096;
  for (;;) {
    const pos = Math.max(0, size - chunk);
    const buf = readAt(fd, pos, size - pos);
    let lineEnd = buf.lastIndexOf(NEWLINE);
    let needMore = false;
    while (lineEnd !== -1) {
      const prev = lineEnd === 0 ? -1 : buf.lastIndexOf(NEWLINE, lineEnd - 1);
      if (prev === -1 && pos > 0) {
        needMore = true;
        break;
      }
      const start = prev + 1;
      const line = decodeLine(buf, start, lineEnd);
      const header = asHeader(line?.header ?? null);
      if (!line || !header)
        throw corruptError({ file, offset: pos + start }, "bad checksum or log header at the tail");
      if (header.r === 0) return { validEnd: pos + lineEnd + 1, lastSeq: header.s };
      lineEnd = prev;
    }
    if (!needMore && (pos === 0 || buf.lastIndexOf(NEWLINE) !== -1)) return { validEnd: 0, lastSeq: 0 };
    chunk *= 4;
  }
}

/** Seq and offset of the first line starting at or after `from` (and before `limit`), or `null`. */
function lineAfter(fd: number, from: number, limit: number): { start: number; seq: number } | null {
  let chunk = 4096;
  for (;;) {
    const len = Math.min(chunk, limit - from);
    if (len <= 0) return null;
    const buf = readAt(fd, from, len);
    const nl = from === 0 ? -1 : buf.indexOf(NEWLINE);
    if (from !== 0 && nl === -1) {
      if (len < chunk) return null;
      chunk *= 4;
      continue;
    }
    const start = nl + 1;
    if (from + start >= limit) return null;
    const end = buf.indexOf(NEWLINE, start);
    if (end === -1) {
      if (len < chunk) return null;
      chunk *= 4;
      continue;
    }
    const header = asHeader(peekHeader(buf, start, end));
    if (!header) return null;
    return { start: from + start, seq: header.s };
  }
}

/**
 * Byte offset of the line holding `target` (1 ≤ target ≤ tail.lastSeq): a search over byte offsets
 * that alternates interpolation (seqs are dense) and bisection, then a short forward scan.
 */
export function offsetOfSeq(file: string, fd: number, tail: LogTail, target: number): number {
  let lo = 0;
  let loSeq = 1;
  let hi = tail.validEnd;
  let hiSeq = tail.lastSeq + 1;
  let step = 0;
  while (target > loSeq && hi - lo > 16_384 && hiSeq - loSeq > 8) {
    const frac = step++ % 2 === 0 ? (target - loSeq) / (hiSeq - loSeq) : 0.5;
    const mid = Math.min(hi - 1, Math.max(lo + 1, Math.floor(lo + (hi - lo) * frac) - 256));
    const found = lineAfter(fd, mid, hi);
    if (found === null || found.seq >= hiSeq) {
      hi = mid;
      continue;
    }
    if (found.seq === target) return found.start;
    if (found.seq < target) {
      lo = found.start;
      loSeq = found.seq;
    } else {
      hi = found.start;
      hiSeq = found.seq;
    }
  }
  let offset = lo;
  let seq = loSeq;
  let chunk = 65_536;
  while (seq < target) {
    const buf = readAt(fd, offset, Math.min(chunk, tail.validEnd - offset));
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE); nl !== -1 && seq < target; nl = buf.indexOf(NEWLINE, start)) {
      start = nl + 1;
      seq += 1;
    }
    if (start === 0) {
      if (buf.length === 0) throw corruptError({ file, line: target }, `seq ${target} not found`);
      chunk *= 4;
    }
    offset += start;
  }
  return offset;
}

/** `count` entries starting at byte `offset` whose first seq is `firstSeq`. */
export function readForward(
  file: string,
  fd: number,
  offset: number,
  firstSeq: number,
  count: number,
  end: number,
): LogEntry[] {
  const out: LogEntry[] = [];
  let chunk = 65_536;
  while (out.length < count && offset < end) {
    const buf = readAt(fd, offset, Math.min(chunk, end - offset));
    if (buf.length === 0) break;
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE); nl !== -1 && out.length < count; nl = buf.indexOf(NEWLINE, start)) {
      out.push(entryAt(file, buf, start, nl, offset, firstSeq + out.length));
      start = nl + 1;
    }
    if (start === 0) chunk *= 4;
    offset += start;
  }
  if (out.length < count) throw corruptError({ file, line: firstSeq + out.length }, "log ends early");
  return out;
}

/** The `count` entries that end at byte `end` (a line boundary), the last of which has seq `lastSeq`. */
export function readBackward(
  file: string,
  fd: number,
  end: number,
  lastSeq: number,
  count: number,
  avgLine: number,
): LogEntry[] {
  const out: LogEntry[] = [];
  let chunk = Math.ceil(count * avgLine * 1.1) + 1024;
  while (out.length < count) {
    const pos = Math.max(0, end - chunk);
    const buf = readAt(fd, pos, end - pos);
    let lineEnd = buf.length - 1;
    while (out.length < count && lineEnd >= 0) {
      const prev = lineEnd === 0 ? -1 : buf.lastIndexOf(NEWLINE, lineEnd - 1);
      if (prev === -1 && pos > 0) break;
      out.push(entryAt(file, buf, prev + 1, lineEnd, pos, lastSeq - out.length));
      lineEnd = prev;
    }
    if (out.length < count && pos === 0 && lineEnd < 0) {
      throw corruptError({ file, line: lastSeq - out.length }, "log starts late");
    }
    end = pos + lineEnd + 1;
    chunk *= 2;
  }
  return out.reverse();
}

const KEY = Buffer.from(',"k":"');

/** The key of a header ending `,"k":"…"}` at `i`, or `null` for any other shape. */
function keyAt(buf: Buffer, i: number, end: number): string | null {
  if (!matches(buf, i, KEY)) return null;
  const key = stringAt(buf, i + KEY.length - 1, end);
  return key && buf[key[1]] === 0x7d && buf[key[1] + 1] === TAB ? key[0] : null;
}

/** Scan `[from, to)` for idempotency keys (headers only, no checksums): key → seq. */
export function scanKeys(fd: number, from: number, to: number, into: Map<string, number>): void {
  let chunk = 1 << 20;
  while (from < to) {
    const buf = readAt(fd, from, Math.min(chunk, to - from));
    if (buf.length === 0) return;
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
      // Most lines are `{"s":N,"r":N}`: recognised from their bytes, without decoding the line.
      const h = start + CRC_WIDTH;
      const seq = matches(buf, h, PREFIX) ? digitsAt(buf, h + 5, nl) : null;
      const left = seq && matches(buf, seq[1], MIDDLE) ? digitsAt(buf, seq[1] + 5, nl) : null;
      if (!left || buf[left[1]] !== 0x7d) {
        const key = left ? keyAt(buf, left[1], nl) : null;
        if (key !== null) into.set(key, seq![0]);
        else {
          const header = asHeader(peekHeader(buf, start, nl));
          if (header?.k !== undefined) into.set(header.k, header.s);
        }
      }
      start = nl + 1;
    }
    if (start === 0) chunk *= 4;
    from += start;
  }
}
