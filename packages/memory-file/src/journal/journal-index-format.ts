import { crc32 } from "node:zlib";

/**
 * The bytes of a persisted journal index (`<journal>.idx`), little-endian:
 *
 * ```
 * 0    8  magic "ttajix01"
 * 8    8  f64 journal inode        16  f64 journal birth time (ms)
 * 24   8  f64 covered: bytes of the journal described (the end of a complete line)
 * 32   8  f64 lines in those bytes  40  f64 journal mtime (ms) when size = covered, else -1
 * 48   4  u32 entries              52  u32 slots (a power of two)
 * 56   4  u32 sample checksums (SAMPLES × u32 follow)
 *      slots × u32: entry number + 1, 0 = empty (open addressing on the CRC-32 of the key, linear probing)
 *      entries × 24: f64 line offset, u32 line length, u32 line number, u32 key offset, u32 key length
 *      key bytes (UTF-8)
 *      u32 CRC-32 of every byte before it
 * ```
 *
 * One entry per record the covered bytes hold (live or expired): the line of its latest put. A
 * key without an entry is absent there. Decoding checks the sizes and the final checksum; a lookup
 * checks every offset it follows, so that no file, however made, can make a read throw or loop.
 */
export interface JournalIndex {
  ino: number;
  birthtimeMs: number;
  covered: number;
  lines: number;
  mtimeMs: number;
  /** CRC-32 of the {@link SAMPLES} blocks of the journal named by {@link sampleBlocks}. */
  samples: number[];
  buf: Buffer;
  entries: number;
  slots: number;
  slotsAt: number;
  entriesAt: number;
  keysAt: number;
  keysEnd: number;
}

/** Where a record's latest line is. */
export interface IndexEntry {
  pos: number;
  len: number;
  line: number;
}

const MAGIC = Buffer.from("ttajix01");
const HEAD = 60;
const ENTRY = 24;
/** Blocks of the journal whose checksums the index carries. */
export const SAMPLES = 16;
const BLOCK = 4096;

/** The `[offset, length)` blocks a check reads: the first, the last before `covered`, and spread between. */
export function sampleBlocks(covered: number): [number, number][] {
  const len = Math.min(BLOCK, covered);
  const out: [number, number][] = [];
  for (let i = 0; i < SAMPLES; i++) out.push([Math.floor(((covered - len) * i) / (SAMPLES - 1)), len]);
  return out;
}

/** The index of the records `entries` (key → latest line) of a journal's first `covered` bytes. */
export function encodeJournalIndex(
  meta: Omit<JournalIndex, "buf" | "entries" | "slots" | "slotsAt" | "entriesAt" | "keysAt" | "keysEnd">,
  entries: Iterable<[string, IndexEntry]>,
): Buffer {
  const keys: Buffer[] = [];
  const where: IndexEntry[] = [];
  let keyBytes = 0;
  for (const [key, e] of entries) {
    const k = Buffer.from(key);
    keys.push(k);
    where.push(e);
    keyBytes += k.length;
  }
  let slots = 16;
  while (slots < keys.length * 2) slots *= 2;
  const slotsAt = HEAD + 4 * SAMPLES;
  const entriesAt = slotsAt + 4 * slots;
  const keysAt = entriesAt + ENTRY * keys.length;
  const buf = Buffer.alloc(keysAt + keyBytes + 4);
  MAGIC.copy(buf, 0);
  [meta.ino, meta.birthtimeMs, meta.covered, meta.lines, meta.mtimeMs].forEach((v, i) => {
    buf.writeDoubleLE(v, 8 + 8 * i);
  });
  buf.writeUInt32LE(keys.length, 48);
  buf.writeUInt32LE(slots, 52);
  buf.writeUInt32LE(SAMPLES, 56);
  meta.samples.forEach((c, i) => {
    buf.writeUInt32LE(c, HEAD + 4 * i);
  });
  let keyAt = 0;
  for (let n = 0; n < keys.length; n++) {
    const k = keys[n]!;
    let slot = crc32(k) & (slots - 1);
    while (buf.readUInt32LE(slotsAt + 4 * slot) !== 0) slot = (slot + 1) & (slots - 1);
    buf.writeUInt32LE(n + 1, slotsAt + 4 * slot);
    const at = entriesAt + ENTRY * n;
    buf.writeDoubleLE(where[n]!.pos, at);
    buf.writeUInt32LE(where[n]!.len, at + 8);
    buf.writeUInt32LE(where[n]!.line, at + 12);
    buf.writeUInt32LE(keyAt, at + 16);
    buf.writeUInt32LE(k.length, at + 20);
    k.copy(buf, keysAt + keyAt);
    keyAt += k.length;
  }
  buf.writeUInt32LE(crc32(buf.subarray(0, buf.length - 4)), buf.length - 4);
  return buf;
}

const whole = (v: number) => Number.isSafeInteger(v) && v >= 0;

/** The index in `buf`, or `null` when it is not one (torn, garbage, another format). */
export function decodeJournalIndex(buf: Buffer): JournalIndex | null {
  if (buf.length < HEAD + 4 || !buf.subarray(0, 8).equals(MAGIC)) return null;
  if (crc32(buf.subarray(0, buf.length - 4)) !== buf.readUInt32LE(buf.length - 4)) return null;
  const f64 = (i: number) => buf.readDoubleLE(8 + 8 * i);
  const [ino, birthtimeMs, covered, lines, mtimeMs] = [f64(0), f64(1), f64(2), f64(3), f64(4)];
  const entries = buf.readUInt32LE(48);
  const slots = buf.readUInt32LE(52);
  if (buf.readUInt32LE(56) !== SAMPLES || slots < 16 || (slots & (slots - 1)) !== 0 || slots < entries) {
    return null;
  }
  if (![covered, lines].every(whole) || !Number.isFinite(ino + birthtimeMs + mtimeMs)) return null;
  const slotsAt = HEAD + 4 * SAMPLES;
  const entriesAt = slotsAt + 4 * slots;
  const keysAt = entriesAt + ENTRY * entries;
  const keysEnd = buf.length - 4;
  if (keysAt > keysEnd) return null;
  const samples = Array.from({ length: SAMPLES }, (_, i) => buf.readUInt32LE(HEAD + 4 * i));
  return {
    ino,
    birthtimeMs,
    covered,
    lines,
    mtimeMs,
    samples,
    buf,
    entries,
    slots,
    slotsAt,
    entriesAt,
    keysAt,
    keysEnd,
  };
}

/**
 * Where the index says `key`'s latest line is: the entry, `null` when it has none, or `undefined`
 * when the index does not hold together there (an offset out of range: not to be trusted).
 */
export function lookupIndex(idx: JournalIndex, key: string): IndexEntry | null | undefined {
  const k = Buffer.from(key);
  const { buf } = idx;
  const mask = idx.slots - 1;
  let slot = crc32(k) & mask;
  for (let probes = 0; probes < idx.slots; probes++, slot = (slot + 1) & mask) {
    const n = buf.readUInt32LE(idx.slotsAt + 4 * slot);
    if (n === 0) return null;
    if (n > idx.entries) return undefined;
    const at = idx.entriesAt + ENTRY * (n - 1);
    const keyAt = idx.keysAt + buf.readUInt32LE(at + 16);
    const keyLen = buf.readUInt32LE(at + 20);
    if (keyAt + keyLen > idx.keysEnd) return undefined;
    if (keyLen !== k.length || buf.compare(k, 0, keyLen, keyAt, keyAt + keyLen) !== 0) continue;
    const e = { pos: buf.readDoubleLE(at), len: buf.readUInt32LE(at + 8), line: buf.readUInt32LE(at + 12) };
    return whole(e.pos) && e.len > 0 && e.pos + e.len <= idx.covered && e.line >= 1 ? e : undefined;
  }
  return undefined;
}
