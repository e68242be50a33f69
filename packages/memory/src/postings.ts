/**
 * Lists of slots (ascending), optionally with a term frequency per slot, and their compact encoding
 * in a persisted index segment: each slot as a LEB128 varint of its gap from the previous one, then
 * (for postings) the term frequency as a varint.
 */
import { STEP_SLOTS, type Steps } from "./slices.js";

/** Ascending slots, and for postings the term frequency of each. `length` entries are used. */
export interface SlotList {
  readonly shorts: Int32Array;
  readonly tfs: Int32Array | null;
  readonly length: number;
}

/** A growing slot list (the part of an index built in this process). */
export class GrowList implements SlotList {
  shorts: Int32Array;
  tfs: Int32Array | null;
  length = 0;
  constructor(withTf: boolean) {
    this.shorts = new Int32Array(4);
    this.tfs = withTf ? new Int32Array(4) : null;
  }
  push(short: number, tf = 1): void {
    if (this.length === this.shorts.length) {
      const shorts = new Int32Array(this.length * 2);
      shorts.set(this.shorts);
      this.shorts = shorts;
      if (this.tfs) {
        const tfs = new Int32Array(this.length * 2);
        tfs.set(this.tfs);
        this.tfs = tfs;
      }
    }
    this.shorts[this.length] = short;
    if (this.tfs) this.tfs[this.length] = tf;
    this.length++;
  }
}

/** The position of `short` in a list, or -1 (binary search over the ascending slots). */
export function findSlot(list: SlotList, short: number): number {
  let lo = 0;
  let hi = list.length - 1;
  const s = list.shorts;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = s[mid]!;
    if (v === short) return mid;
    if (v < short) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Appends varints to a growing byte buffer. */
export class ByteWriter {
  bytes = new Uint8Array(1 << 16);
  length = 0;
  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
  varint(value: number): void {
    this.room(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.bytes[this.length++] = v;
  }
  /** Encode ascending `shorts` (and `tfs`) from `start`, as gaps. */
  list(shorts: ArrayLike<number>, tfs: ArrayLike<number> | null, count: number): void {
    let prev = -1;
    for (let i = 0; i < count; i++) {
      const s = shorts[i]!;
      this.varint(s - prev - 1);
      prev = s;
      if (tfs) this.varint(tfs[i]!);
    }
  }
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

/**
 * Decode `count` entries at `offset` of `bytes`; returns null when the bytes end early or a value
 * overflows (a damaged segment, found by its checksum first, but never trusted blindly).
 */
export function decodeList(
  bytes: Uint8Array,
  offset: number,
  count: number,
  withTf: boolean,
  limit: number,
): SlotList | null {
  const out = { shorts: new Int32Array(count), tfs: withTf ? new Int32Array(count) : null, length: count };
  const at = { p: offset, prev: -1 };
  return decodeInto(bytes, at, out, 0, count, limit) ? out : null;
}

/**
 * {@link decodeList} as steps, offering to stop every {@link STEP_SLOTS} entries: the list of a word
 * in most of 100k memories takes milliseconds to decode. (The loop itself is a plain function: V8
 * optimises a long loop in a running generator late, if at all.)
 */
export function* decodeListSteps(
  bytes: Uint8Array,
  offset: number,
  count: number,
  withTf: boolean,
  limit: number,
): Steps<SlotList | null> {
  const out = { shorts: new Int32Array(count), tfs: withTf ? new Int32Array(count) : null, length: count };
  const at = { p: offset, prev: -1 };
  for (let from = 0; from < count; from += STEP_SLOTS) {
    if (!decodeInto(bytes, at, out, from, Math.min(count, from + STEP_SLOTS), limit)) return null;
    if (from + STEP_SLOTS < count) yield;
  }
  return out;
}

/** Decode entries `from..to` of a list, reading at `at.p` after slot `at.prev`; false when damaged. */
function decodeInto(
  bytes: Uint8Array,
  at: { p: number; prev: number },
  out: { shorts: Int32Array; tfs: Int32Array | null },
  from: number,
  to: number,
  limit: number,
): boolean {
  const { shorts, tfs } = out;
  let p = at.p;
  let prev = at.prev;
  const end = bytes.length;
  for (let i = from; i < to; i++) {
    let gap = 0;
    let shift = 0;
    for (;;) {
      if (p >= end || shift > 28) return false;
      const b = bytes[p++]!;
      gap |= (b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7;
    }
    const s = prev + 1 + (gap >>> 0);
    if (s >= limit || s < 0) return false;
    shorts[i] = s;
    prev = s;
    if (tfs) {
      let tf = 0;
      shift = 0;
      for (;;) {
        if (p >= end || shift > 28) return false;
        const b = bytes[p++]!;
        tf |= (b & 0x7f) << shift;
        if (b < 0x80) break;
        shift += 7;
      }
      if (tf <= 0) return false;
      tfs[i] = tf;
    }
  }
  at.p = p;
  at.prev = prev;
  return true;
}
