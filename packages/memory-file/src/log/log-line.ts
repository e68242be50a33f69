import { checksumHolds, digitsAt, matches } from "../byte-scan.js";
import { CRC_WIDTH, type DecodedLine, decodeLine, frameLine, TAB } from "../line-codec.js";

/** A log line's header: seq, how many lines of its batch follow it, idempotency key. */
export interface LogHeader {
  s: number;
  r: number;
  k?: string;
}

/** The header as a {@link LogHeader}, or `null` when it does not have that shape. */
export function asHeader(h: Record<string, unknown> | null): LogHeader | null {
  if (h === null) return null;
  if (typeof h.s !== "number" || !Number.isInteger(h.s) || h.s < 1) return null;
  if (typeof h.r !== "number" || !Number.isInteger(h.r) || h.r < 0) return null;
  if (h.k !== undefined && typeof h.k !== "string") return null;
  return h as unknown as LogHeader;
}

/** `{"s":` — how every log header starts. */
export const SEQ_PREFIX = Buffer.from('{"s":');
/** `,"r":` — what follows the seq. */
export const LEFT_INFIX = Buffer.from(',"r":');

/**
 * The common log line `{"s":N,"r":N}\t<value>` decoded without parsing its header as JSON (the
 * checksum is still verified); `null` for any other shape, which then takes the general path.
 */
function quickLogLine(buf: Buffer, start: number, end: number): DecodedLine | null {
  const h = start + CRC_WIDTH;
  if (end - h < 14 || !matches(buf, h, SEQ_PREFIX)) return null;
  const s = digitsAt(buf, h + SEQ_PREFIX.length, end);
  if (!s || !matches(buf, s[1], LEFT_INFIX)) return null;
  const r = digitsAt(buf, s[1] + LEFT_INFIX.length, end);
  if (!r || buf[r[1]] !== 0x7d || buf[r[1] + 1] !== TAB) return null;
  if (!checksumHolds(buf, start, end)) return null;
  return { header: { s: s[0], r: r[0] }, valueJson: buf.toString("utf8", r[1] + 2, end) };
}

/** A decoded log line: checksum verified, header of the right shape, a value present. */
export interface LogLine {
  header: LogHeader;
  valueJson: string;
}

/** Decode the log line `buf[start, end)` (without its newline), or `null` when it is not one. */
export function decodeLogLine(buf: Buffer, start: number, end: number): LogLine | null {
  const line = quickLogLine(buf, start, end) ?? decodeLine(buf, start, end);
  const header = asHeader(line?.header ?? null);
  if (!line || !header || line.valueJson === undefined) return null;
  return { header, valueJson: line.valueJson };
}

/**
 * The first line of a trimmed log (`trimLog`): `{"s":N,"r":0,"t":1}` without a value, where N is the
 * last removed seq. It holds N's place in the chain, so the first kept entry (N + 1) follows it and a
 * log trimmed to empty still ends at seq N. It is valid only as the file's first line.
 */
export function trimMarker(lastRemoved: number): string {
  return frameLine(`{"s":${lastRemoved},"r":0,"t":1}`);
}

/** The header `{ s: N, r: 0 }` of a trim marker at `buf[start, end)`, or `null` when it is not one. */
export function decodeTrimMarker(buf: Buffer, start: number, end: number): LogHeader | null {
  const line = decodeLine(buf, start, end);
  if (line === null || line.valueJson !== undefined || line.header.t !== 1 || line.header.r !== 0)
    return null;
  const h = asHeader(line.header);
  return h === null || h.k !== undefined ? null : { s: h.s, r: 0 };
}

/** A log line's header, or at the file's first line (`first`) also a trim marker's. */
export function headerAt(buf: Buffer, start: number, end: number, first: boolean): LogHeader | null {
  const line = decodeLogLine(buf, start, end);
  if (line !== null) return line.header;
  return first ? decodeTrimMarker(buf, start, end) : null;
}

/**
 * Whether line `b` may follow line `a` in a log: the next seq, and inside a batch (`a.r` > 0) the
 * next lower count of lines left. This is all a line is checked against when it is appended or
 * found at the end of the file, so that both stay O(1).
 */
export function follows(a: LogHeader | null, b: LogHeader): boolean {
  return continues(a, b, 0);
}

/**
 * Whether `b` may come after `a` when `skipped` lines that do not read lie between them (each may
 * have held one seq): `b.s` is 1 to `skipped + 1` past `a.s` (past 0 when `a` is `null`), and if
 * that is still inside `a`'s batch, its count of lines left agrees.
 */
export function continues(a: LogHeader | null, b: LogHeader, skipped: number): boolean {
  const d = b.s - (a?.s ?? 0);
  if (d < 1 || d > 1 + skipped) return false;
  return a === null || a.r < d || b.r === a.r - d;
}

/**
 * Damage a read found at byte `offset`: thrown by the readers, turned into `BACKEND_CORRUPT` with
 * the true line by the log (see `log-damage.ts`). `misplaced`: the line itself reads, but its seq is
 * not the one due there, so the line at fault may be a neighbour.
 */
export class LogDamage extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
    readonly misplaced: boolean,
  ) {
    super(reason);
  }
}
