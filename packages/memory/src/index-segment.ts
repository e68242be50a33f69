import { crc32 } from "node:zlib";
import type { DeepMemory } from "@tta-dev/core";
import { ByteWriter, decodeList, type SlotList } from "./postings.js";

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
export const SEGMENT_FORMAT = 1;
/** Changes whenever tokenising, folding or field lengths change: an older segment is then rebuilt. */
export const ANALYSER_VERSION = "words-fold-1";
const MAGIC = Buffer.from("TTAMIDX1", "latin1");

/**
 * Work over a whole index written as a generator that yields at points where it may stop for a turn
 * of the event loop: {@link runSync} runs it at once, {@link runSliced} gives the loop a turn whenever
 * it has run for `budgetMs`, so that a server goes on answering while a large index is written.
 */
export type Steps<T> = Generator<void, T, void>;

/** How long (ms) sliced work runs before it gives the event loop a turn. */
export const SLICE_MS = 10;

/** Every so many items, a loop over slots or keys offers to stop. */
export const STEP_EVERY = 256;
/** A loop over slot lists offers to stop once it has walked about this many slots. */
export const STEP_SLOTS = 32_768;

export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** A clock of sliced work: `due()` once it has run for its budget; `pause()` then gives a turn. */
export class Slicer {
  private since = performance.now();
  constructor(readonly budgetMs = SLICE_MS) {}
  due(): boolean {
    return performance.now() - this.since >= this.budgetMs;
  }
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
  /** Pause when due. */
  async turn(): Promise<void> {
    if (this.due()) await this.pause();
  }
}

export async function runSliced<T>(steps: Steps<T>, slicer = new Slicer()): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (slicer.due()) await slicer.pause();
  }
}

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
  n: number;
  ids: readonly string[];
  docs: readonly string[];
  totals: [number, number];
  importance: Float64Array;
  createdMs: Float64Array;
  updatedMs: Float64Array;
  version: Float64Array;
  pinned: Uint8Array;
  kind: Uint8Array;
  lengths: [Int32Array, Int32Array];
  terms: DictionaryInput;
  tags: DictionaryInput;
  sessions: DictionaryInput;
  groups: DictionaryInput;
}

type Section = [offset: number, length: number];

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
      analyser: ANALYSER_VERSION,
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

/** Why a segment was not used. */
export type SegmentRejection = "format" | "damaged" | "namespace" | "analyser";

/** The result of {@link decodeSegment}. */
export type DecodedSegment = { ok: true; segment: Segment } | { ok: false; reason: SegmentRejection };

interface Header extends SegmentState {
  format: number;
  analyser: string;
  n: number;
  totals: [number, number];
  sections: Record<string, Section>;
  bodyLength: number;
  bodyCrc: number;
}

function isHeader(h: unknown): h is Header {
  const x = h as Header;
  return (
    typeof x === "object" &&
    x !== null &&
    Number.isInteger(x.n) &&
    x.n >= 0 &&
    Number.isInteger(x.seenSeq) &&
    x.seenSeq >= 0 &&
    (x.anchor === null || typeof x.anchor === "string") &&
    typeof x.namespace === "string" &&
    Array.isArray(x.pending) &&
    Array.isArray(x.totals) &&
    x.totals.length === 2 &&
    x.totals.every((t) => Number.isInteger(t) && t >= 0) &&
    typeof x.sections === "object" &&
    x.sections !== null &&
    Number.isInteger(x.bodyLength) &&
    Number.isInteger(x.bodyCrc)
  );
}

function isPending(p: unknown): p is PendingIntent {
  const x = p as PendingIntent;
  return (
    typeof x === "object" &&
    x !== null &&
    typeof x.id === "string" &&
    (x.op === "put" || x.op === "delete") &&
    (x.base === undefined || x.base === null || Number.isInteger(x.base)) &&
    Number.isFinite(x.at)
  );
}

class Damaged extends Error {}

/**
 * Read a segment; anything doubtful (magic, checksums, section bounds, namespace, versions) rejects it
 * rather than throwing. The body's crc is checked by the caller in slices ({@link bodyOf}) so that a
 * server's event loop is never held for the whole of a large segment.
 */
export function decodeSegment(bytes: Buffer, namespace: string, bodyCrc = true): DecodedSegment {
  try {
    if (bytes.length < 16 || !bytes.subarray(0, 8).equals(MAGIC)) return { ok: false, reason: "format" };
    const headerLength = bytes.readUInt32LE(12);
    if (16 + headerLength > bytes.length) return { ok: false, reason: "damaged" };
    const headerBytes = bytes.subarray(16, 16 + headerLength);
    if (crc32(headerBytes) !== bytes.readUInt32LE(8)) return { ok: false, reason: "damaged" };
    const header: unknown = JSON.parse(headerBytes.toString("utf8"));
    if ((header as Header)?.format !== SEGMENT_FORMAT) return { ok: false, reason: "format" };
    if (!isHeader(header) || !header.pending.every(isPending)) return { ok: false, reason: "damaged" };
    if (header.analyser !== ANALYSER_VERSION) return { ok: false, reason: "analyser" };
    if (header.namespace !== namespace) return { ok: false, reason: "namespace" };
    const start = 16 + headerLength + ((8 - ((16 + headerLength) % 8)) % 8);
    if (start + header.bodyLength !== bytes.length) return { ok: false, reason: "damaged" };
    const body = bytes.subarray(start);
    if (bodyCrc && crc32(body) !== header.bodyCrc) return { ok: false, reason: "damaged" };
    return { ok: true, segment: read(body, header) };
  } catch (error) {
    if (error instanceof Damaged || error instanceof SyntaxError || error instanceof RangeError)
      return { ok: false, reason: "damaged" };
    throw error;
  }
}

/** The body of an encoded segment and its expected crc, for checking it in slices. */
export function bodyOf(bytes: Buffer): { body: Buffer; crc: number } | null {
  try {
    if (bytes.length < 16 || !bytes.subarray(0, 8).equals(MAGIC)) return null;
    const headerLength = bytes.readUInt32LE(12);
    const header = JSON.parse(bytes.toString("utf8", 16, 16 + headerLength)) as Header;
    const start = 16 + headerLength + ((8 - ((16 + headerLength) % 8)) % 8);
    return { body: bytes.subarray(start), crc: header.bodyCrc };
  } catch {
    return null;
  }
}

function read(body: Buffer, h: Header): Segment {
  const n = h.n;
  const section = (name: string): Buffer => {
    const s = h.sections[name];
    if (!Array.isArray(s) || !Number.isInteger(s[0]) || !Number.isInteger(s[1])) throw new Damaged(name);
    const [off, len] = s;
    if (off < 0 || len < 0 || off + len > body.length) throw new Damaged(name);
    return body.subarray(off, off + len);
  };
  const typed = <T>(
    name: string,
    C: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
    count: number,
  ): T => {
    const b = section(name);
    if (b.length !== count * C.BYTES_PER_ELEMENT) throw new Damaged(name);
    // A copy: aligned, owned, and growable by the caller.
    const copy = new ArrayBuffer(b.length);
    new Uint8Array(copy).set(b);
    return new C(copy);
  };
  const offsets = (name: string, count: number, limit: number): Uint32Array => {
    const off = typed(`${name}.off`, Uint32Array, count + 1);
    if (off[0] !== 0 || off[count] !== limit) throw new Damaged(name);
    for (let i = 0; i < count; i++) if (off[i]! > off[i + 1]!) throw new Damaged(name);
    return off;
  };
  const bytesAt = (name: string): number => {
    const s = h.sections[name];
    section(name);
    return s![0];
  };
  const strings = (name: string, count: number) => {
    const bytes = section(`${name}.bytes`);
    const off = offsets(name, count, bytes.length);
    const base = bytesAt(`${name}.bytes`);
    return { off, base, get: (i: number) => body.toString("utf8", base + off[i]!, base + off[i + 1]!) };
  };
  const dictionary = (name: string, fields: number, withTf: boolean): Dictionary => {
    const keysSection = h.sections[`${name}.keys.off`];
    if (!Array.isArray(keysSection)) throw new Damaged(name);
    const count = keysSection[1] / 4 - 1;
    if (!Number.isInteger(count) || count < 0) throw new Damaged(name);
    const keys = strings(`${name}.keys`, count);
    const lists = typed(`${name}.lists`, Uint32Array, count * fields * 2);
    const listBytes = section(`${name}.bytes`);
    for (let i = 0; i < lists.length; i += 2) if (lists[i]! > listBytes.length) throw new Damaged(name);
    return new Dictionary(body, keys.off, keys.base, lists, listBytes, fields, withTf, n);
  };
  const ids = strings("ids", n);
  const docs = strings("docs", n);
  const kind = typed("kind", Uint8Array, n);
  for (let i = 0; i < n; i++) if (kind[i]! > 4) throw new Damaged("kind");
  const segment: Segment = {
    state: {
      namespace: h.namespace,
      seenSeq: h.seenSeq,
      anchor: h.anchor,
      pending: h.pending.map((p) => ({ id: p.id, op: p.op, base: p.base ?? undefined, at: p.at })),
    },
    n,
    totals: [h.totals[0], h.totals[1]],
    importance: typed("importance", Float64Array, n),
    createdMs: typed("createdMs", Float64Array, n),
    updatedMs: typed("updatedMs", Float64Array, n),
    version: typed("version", Float64Array, n),
    pinned: typed("pinned", Uint8Array, n),
    kind,
    lengths: [typed("len0", Int32Array, n), typed("len1", Int32Array, n)],
    terms: dictionary("terms", 2, true),
    tags: dictionary("tags", 1, false),
    sessions: dictionary("sessions", 1, false),
    groups: dictionary("groups", 1, false),
    idAt: ids.get,
    slotOf(id) {
      let lo = 0;
      let hi = n - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const k = ids.get(mid);
        if (k === id) return mid;
        if (k < id) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    },
    docJsonAt: docs.get,
    docAt(slot) {
      try {
        return JSON.parse(docs.get(slot)) as DeepMemory;
      } catch {
        throw new Damaged(`doc ${slot}`);
      }
    },
  };
  return segment;
}

/** Whether an error came from a damaged segment (read lazily, after the checksum held). */
export function isSegmentDamage(error: unknown): boolean {
  return error instanceof Damaged;
}
