import { crc32 } from "node:zlib";
import type { DeepMemory } from "@tta-dev/core";
import { ByteWriter, decodeList, decodeListSteps, type SlotList } from "./postings.js";
import { runSliced, runSync, type Slicer, STEP_EVERY, STEP_SLOTS, type Steps } from "./slices.js";

export { runSliced, runSync, SLICE_MS, Slicer, STEP_EVERY, STEP_SLOTS, type Steps } from "./slices.js";

/**
 * A persisted search index ("segment"): the memories of one namespace as the index needs them, so a
 * fresh process can search without reading and analysing every memory. It is derived data: the
 * checksum, the format and analyser versions, the namespace and an anchor in the memory-changes log
 * tell whether it can be used; when it cannot, the index is built from the memories again.
 *
 * ```
 * "TTAMIDX1"  u32 header crc  u32 header length  header JSON  pad to 8  body
 * ```
 * The header names every section of the body (offset, length), the body's crc32 and the index
 * state (`seenSeq`, the anchor entry, announced writes still pending). Slots are in id order.
 */
export const SEGMENT_FORMAT = 2;
/** The first bytes of every segment. */
export const MAGIC = Buffer.from("TTAMIDX1", "latin1");

/** An announced write not yet seen landed, as the index state keeps it. */
export interface PendingIntent {
  id: string;
  op: "put" | "delete";
  base: number | undefined;
  at: number;
}

/** The log position a segment is current with. */
export interface SegmentState {
  namespace: string;
  /** The memory-changes seq the segment includes. */
  seenSeq: number;
  /** The JSON of the memory-changes entry at `seenSeq` (null when 0): a reset or foreign log differs. */
  anchor: string | null;
  pending: PendingIntent[];
}

/** A sorted dictionary of keys, each with `fields` slot lists. */
export class Dictionary {
  constructor(
    private readonly buf: Buffer,
    private readonly keyOff: Uint32Array,
    private readonly keyBytes: number,
    private readonly lists: Uint32Array,
    private readonly listBytes: Uint8Array,
    readonly fields: number,
    readonly withTf: boolean,
    private readonly slots: number,
  ) {}

  get size(): number {
    return this.keyOff.length - 1;
  }

  keyAt(i: number): string {
    return this.buf.toString("utf8", this.keyBytes + this.keyOff[i]!, this.keyBytes + this.keyOff[i + 1]!);
  }

  /** The UTF-8 length of key `i` (without decoding it). */
  keyBytesAt(i: number): number {
    return this.keyOff[i + 1]! - this.keyOff[i]!;
  }

  /** The index of `key`, or -1. */
  find(key: string): number {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.keyAt(mid);
      if (k === key) return mid;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** How many slots the list of key `i` in `field` holds (without decoding it). */
  count(i: number, field: number): number {
    return this.lists[(i * this.fields + field) * 2 + 1]!;
  }

  /** The list of key `i` in `field`; null when its bytes are damaged. */
  list(i: number, field: number): SlotList | null {
    const at = (i * this.fields + field) * 2;
    const count = this.lists[at + 1]!;
    if (count === 0) return EMPTY;
    return decodeList(this.listBytes, this.lists[at]!, count, this.withTf, this.slots);
  }

  /** {@link list} as steps that may stop within a long list. */
  *listSteps(i: number, field: number): Steps<SlotList | null> {
    const at = (i * this.fields + field) * 2;
    const count = this.lists[at + 1]!;
    if (count === 0) return EMPTY;
    return yield* decodeListSteps(this.listBytes, this.lists[at]!, count, this.withTf, this.slots);
  }
}

const EMPTY: SlotList = { shorts: new Int32Array(0), tfs: new Int32Array(0), length: 0 };

/** What a decoded segment holds. */
export interface Segment {
  state: SegmentState;
  n: number;
  totals: [number, number];
  importance: Float64Array;
  createdMs: Float64Array;
  updatedMs: Float64Array;
  /** `expiresAt` in epoch ms, `Infinity` for a memory that does not expire. */
  expiresMs: Float64Array;
  version: Float64Array;
  pinned: Uint8Array;
  kind: Uint8Array;
  lengths: [Int32Array, Int32Array];
  terms: Dictionary;
  tags: Dictionary;
  sessions: Dictionary;
  groups: Dictionary;
  idAt(slot: number): string;
  /** The slot of an id, or -1. */
  slotOf(id: string): number;
  docAt(slot: number): DeepMemory;
  /** The stored JSON of a memory, as written. */
  docJsonAt(slot: number): string;
}

/** One dictionary to write: keys in ascending (`<`) order with their lists. */
export interface DictionaryInput {
  keys: readonly string[];
  fields: number;
  withTf: boolean;
  /** The list of key `i` in `field`, slots ascending. */
  list(i: number, field: number): SlotList;
}

/** What {@link encodeSegment} writes: `n` slots in ascending id order. */
export interface SegmentInput {
  state: SegmentState;
  /**
   * The index's text analysis (`TextAnalyzer.id`: language and analysis version): a process that
   * analyses otherwise rebuilds the index instead of mixing terms of two analyses.
   */
  analyser: string;
  n: number;
  ids: readonly string[];
  docs: readonly string[];
  totals: [number, number];
  importance: Float64Array;
  createdMs: Float64Array;
  updatedMs: Float64Array;
  expiresMs: Float64Array;
  version: Float64Array;
  pinned: Uint8Array;
  kind: Uint8Array;
  lengths: [Int32Array, Int32Array];
  terms: DictionaryInput;
  tags: DictionaryInput;
  sessions: DictionaryInput;
  groups: DictionaryInput;
}

/** Where a section lies in the body: offset and length in bytes. */
export type Section = [offset: number, length: number];

class BodyWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  readonly sections: Record<string, Section> = {};
  add(name: string, bytes: ArrayBufferView): void {
    const pad = (8 - (this.size % 8)) % 8;
    if (pad) {
      this.parts.push(new Uint8Array(pad));
      this.size += pad;
    }
    this.sections[name] = [this.size, bytes.byteLength];
    this.parts.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    this.size += bytes.byteLength;
  }
  *strings(name: string, values: readonly string[]): Steps<void> {
    const off = new Uint32Array(values.length + 1);
    let total = 0;
    for (let i = 0; i < values.length; i++) {
      total += Buffer.byteLength(values[i]!, "utf8");
      off[i + 1] = total;
      if (i % STEP_EVERY === 0) yield;
    }
    const bytes = Buffer.allocUnsafe(total);
    for (let i = 0; i < values.length; i++) {
      bytes.write(values[i]!, off[i]!, "utf8");
      if (i % STEP_EVERY === 0) yield;
    }
    this.add(`${name}.off`, off);
    this.add(`${name}.bytes`, bytes);
  }
  *dictionary(name: string, d: DictionaryInput): Steps<void> {
    yield* this.strings(`${name}.keys`, d.keys);
    const lists = new Uint32Array(d.keys.length * d.fields * 2);
    const w = new ByteWriter();
    let walked = 0;
    for (let i = 0; i < d.keys.length; i++) {
      for (let f = 0; f < d.fields; f++) {
        const l = d.list(i, f);
        const at = (i * d.fields + f) * 2;
        lists[at] = w.length;
        lists[at + 1] = l.length;
        w.list(l.shorts, d.withTf ? l.tfs : null, l.length);
        walked += l.length + 8;
      }
      if (walked >= STEP_SLOTS) {
        walked = 0;
        yield;
      }
    }
    this.add(`${name}.lists`, lists);
    this.add(`${name}.bytes`, w.view());
  }
  /** The crc32 of the body, over its parts in turn. */
  *crc(): Steps<number> {
    let sum = 0;
    for (const part of this.parts) {
      for (let off = 0; off < part.length; off += CRC_STEP) {
        sum = crc32(part.subarray(off, off + CRC_STEP), sum);
        yield;
      }
    }
    return sum;
  }
  /** Copy the parts into `out` from `at`. */
  *copyInto(out: Buffer, at: number): Steps<void> {
    for (const part of this.parts) {
      for (let off = 0; off < part.length; off += CRC_STEP) {
        out.set(part.subarray(off, off + CRC_STEP), at);
        at += Math.min(CRC_STEP, part.length - off);
        yield;
      }
    }
  }
  get length(): number {
    return this.size;
  }
}

/** Large parts are checksummed and copied in slices this large. */
const CRC_STEP = 1 << 20;

/** Serialise a segment. */
export function encodeSegment(input: SegmentInput): Buffer {
  return runSync(encodeSteps(input));
}

/** {@link encodeSegment}, giving the event loop a turn every {@link SLICE_MS}. */
export function encodeSegmentSliced(input: SegmentInput, slicer?: Slicer): Promise<Buffer> {
  return runSliced(encodeSteps(input), slicer);
}

/** The steps of {@link encodeSegment}. */
export function* encodeSteps(input: SegmentInput): Steps<Buffer> {
  const w = new BodyWriter();
  yield* w.strings("ids", input.ids);
  yield* w.strings("docs", input.docs);
  w.add("importance", input.importance.subarray(0, input.n));
  w.add("createdMs", input.createdMs.subarray(0, input.n));
  w.add("updatedMs", input.updatedMs.subarray(0, input.n));
  w.add("expiresMs", input.expiresMs.subarray(0, input.n));
  w.add("version", input.version.subarray(0, input.n));
  w.add("pinned", input.pinned.subarray(0, input.n));
  w.add("kind", input.kind.subarray(0, input.n));
  w.add("len0", input.lengths[0].subarray(0, input.n));
  w.add("len1", input.lengths[1].subarray(0, input.n));
  yield* w.dictionary("terms", input.terms);
  yield* w.dictionary("tags", input.tags);
  yield* w.dictionary("sessions", input.sessions);
  yield* w.dictionary("groups", input.groups);
  const bodyCrc = yield* w.crc();
  const header = Buffer.from(
    JSON.stringify({
      format: SEGMENT_FORMAT,
      analyser: input.analyser,
      ...input.state,
      n: input.n,
      totals: input.totals,
      sections: w.sections,
      bodyLength: w.length,
      bodyCrc,
    }),
    "utf8",
  );
  const start = 16 + header.length + ((8 - ((16 + header.length) % 8)) % 8);
  const out = Buffer.allocUnsafe(start + w.length);
  out.fill(0, 16 + header.length, start);
  MAGIC.copy(out, 0);
  out.writeUInt32LE(crc32(header), 8);
  out.writeUInt32LE(header.length, 12);
  header.copy(out, 16);
  yield* w.copyInto(out, start);
  return out;
}
