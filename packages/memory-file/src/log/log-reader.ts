import type { LogEntry } from "@tta-dev/core";
import { digitsAt, matches, stringAt } from "../byte-scan.js";
import { nestedTooDeep, TOO_DEEP } from "../depth.js";
import { readAt } from "../fs-utils.js";
import { CRC_WIDTH, NEWLINE, peekHeader, TAB } from "../line-codec.js";
import { scanLogChain } from "./log-chain.js";
import { asHeader, decodeLogLine, LEFT_INFIX, LogDamage, SEQ_PREFIX } from "./log-line.js";
import type { LogHead, LogTail } from "./log-tail.js";

function entryAt(buf: Buffer, start: number, end: number, base: number, expected: number): LogEntry {
  const line = decodeLogLine(buf, start, end);
  if (line === null) throw new LogDamage(base + start, "bad checksum or log header", false);
  const header = line.header;
  if (header.s !== expected)
    throw new LogDamage(base + start, `expected seq ${expected}, found ${header.s}`, true);
  if (nestedTooDeep(line.valueJson)) throw new LogDamage(base + start, TOO_DEEP, false);
  let value: unknown;
  try {
    value = JSON.parse(line.valueJson);
  } catch {
    throw new LogDamage(base + start, "value is not JSON", false);
  }
  return header.k === undefined
    ? { seq: header.s, value }
    : { seq: header.s, value, idempotencyKey: header.k };
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

/** The seq of the line that starts at `offset`, or -1 when it does not read. */
function seqAt(fd: number, offset: number, limit: number): number {
  for (let len = 4096; ; len *= 4) {
    const buf = readAt(fd, offset, Math.min(len, limit - offset));
    const nl = buf.indexOf(NEWLINE);
    if (nl !== -1) return asHeader(peekHeader(buf, 0, nl))?.s ?? -1;
    if (offset + buf.length >= limit) return -1;
  }
}

/**
 * Byte offset of the line holding `target` (head.trimmed < target ≤ tail.lastSeq): a search over byte offsets
 * that alternates interpolation (seqs are dense) and bisection, then a short forward scan that
 * counts lines. The line found is checked; when it is not `target` (a line in between is not part of
 * the seqs: foreign or repeated), the chain is followed from the start instead, so that ranges
 * away from a damaged line still read.
 */
export function offsetOfSeq(fd: number, tail: LogTail, head: LogHead, target: number): number {
  let lo = head.start;
  let loSeq = head.trimmed + 1;
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
      if (buf.length === 0) break;
      chunk *= 4;
    }
    offset += start;
  }
  if (seq === target && offset < tail.validEnd && seqAt(fd, offset, tail.validEnd) === target) return offset;
  let found = -1;
  scanLogChain(fd, tail.validEnd, false, (s, at) => {
    if (s === target) found = at;
    return found !== -1;
  });
  if (found === -1) throw new LogDamage(offset, `seq ${target} not found`, true);
  return found;
}

/** `count` entries starting at byte `offset` whose first seq is `firstSeq`. */
export function readForward(
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
      out.push(entryAt(buf, start, nl, offset, firstSeq + out.length));
      start = nl + 1;
    }
    if (start === 0) chunk *= 4;
    offset += start;
  }
  if (out.length < count) throw new LogDamage(offset, `log ends before seq ${firstSeq + out.length}`, true);
  return out;
}

/** The `count` entries that end at byte `end` (a line boundary), the last of which has seq `lastSeq`. */
export function readBackward(
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
      out.push(entryAt(buf, prev + 1, lineEnd, pos, lastSeq - out.length));
      lineEnd = prev;
    }
    if (out.length < count && pos === 0 && lineEnd < 0) {
      throw new LogDamage(0, `log starts after seq ${lastSeq - out.length}`, true);
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
      const seq = matches(buf, h, SEQ_PREFIX) ? digitsAt(buf, h + 5, nl) : null;
      const left = seq && matches(buf, seq[1], LEFT_INFIX) ? digitsAt(buf, seq[1] + 5, nl) : null;
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
