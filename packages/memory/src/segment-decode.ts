import { crc32 } from "node:zlib";
import type { DeepMemory } from "@tta-dev/core";
import {
  Dictionary,
  MAGIC,
  type PendingIntent,
  SEGMENT_FORMAT,
  type Section,
  type Segment,
  type SegmentState,
} from "./index-segment.js";
import { runSliced, runSync, type Slicer, STEP_SLOTS, type Steps } from "./slices.js";
import { textAnalyzer } from "./text.js";

/*
 * Decoding a segment copies its columns and checks every offset and list bound before anything trusts
 * them: at 100k memories that is tens of milliseconds of work besides the checksum of a 60 MB body.
 * It is written as steps ({@link Steps}) so that a server loading its index keeps answering.
 */

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

/** Large sections are checksummed in slices this large, offering to stop between them. */
const CRC_STEP = 1 << 20;

/**
 * Read a segment; anything doubtful (magic, checksums, section bounds, namespace, versions) rejects it
 * rather than throwing. `bodyCrc: false` skips the body's checksum (of bytes this process just wrote).
 */
export function decodeSegment(
  bytes: Buffer,
  namespace: string,
  bodyCrc = true,
  analyser = textAnalyzer().id,
): DecodedSegment {
  return runSync(decodeSteps(bytes, namespace, bodyCrc, analyser));
}

/** {@link decodeSegment}, giving the event loop a turn every {@link SLICE_MS} (checksum included). */
export function decodeSegmentSliced(
  bytes: Buffer,
  namespace: string,
  bodyCrc = true,
  slicer?: Slicer,
  analyser = textAnalyzer().id,
): Promise<DecodedSegment> {
  return runSliced(decodeSteps(bytes, namespace, bodyCrc, analyser), slicer);
}

/** The steps of {@link decodeSegment}. */
export function* decodeSteps(
  bytes: Buffer,
  namespace: string,
  bodyCrc = true,
  analyser = textAnalyzer().id,
): Steps<DecodedSegment> {
  try {
    if (bytes.length < 16) return { ok: false, reason: "damaged" }; // torn, or empty
    if (!bytes.subarray(0, 8).equals(MAGIC)) return { ok: false, reason: "format" };
    const headerLength = bytes.readUInt32LE(12);
    if (16 + headerLength > bytes.length) return { ok: false, reason: "damaged" };
    const headerBytes = bytes.subarray(16, 16 + headerLength);
    if (crc32(headerBytes) !== bytes.readUInt32LE(8)) return { ok: false, reason: "damaged" };
    const header: unknown = JSON.parse(headerBytes.toString("utf8"));
    if ((header as Header)?.format !== SEGMENT_FORMAT) return { ok: false, reason: "format" };
    if (!isHeader(header) || !header.pending.every(isPending)) return { ok: false, reason: "damaged" };
    if (header.analyser !== analyser) return { ok: false, reason: "analyser" };
    if (header.namespace !== namespace) return { ok: false, reason: "namespace" };
    const start = 16 + headerLength + ((8 - ((16 + headerLength) % 8)) % 8);
    if (start + header.bodyLength !== bytes.length) return { ok: false, reason: "damaged" };
    // The padding is outside both checksums: it must be zeros, as written.
    for (let p = 16 + headerLength; p < start; p++)
      if (bytes[p] !== 0) return { ok: false, reason: "damaged" };
    const body = bytes.subarray(start);
    if (bodyCrc) {
      let sum = 0;
      for (let off = 0; off < body.length; off += CRC_STEP) {
        sum = crc32(body.subarray(off, off + CRC_STEP), sum);
        yield;
      }
      if (sum !== header.bodyCrc) return { ok: false, reason: "damaged" };
    }
    return { ok: true, segment: yield* read(body, header) };
  } catch (error) {
    if (error instanceof Damaged || error instanceof SyntaxError || error instanceof RangeError)
      return { ok: false, reason: "damaged" };
    throw error;
  }
}

/** A check over `count` items that offers to stop every {@link STEP_SLOTS}: `bad(i)` throws Damaged. */
function* each(name: string, count: number, bad: (i: number) => boolean): Steps<void> {
  for (let from = 0; from < count; from += STEP_SLOTS) {
    if (anyBad(bad, from, Math.min(count, from + STEP_SLOTS))) throw new Damaged(name);
    yield;
  }
}

/** The loop of {@link each}, outside the generator (where V8 would leave it unoptimised). */
function anyBad(bad: (i: number) => boolean, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (bad(i)) return true;
  return false;
}

function* read(body: Buffer, h: Header): Steps<Segment> {
  const n = h.n;
  const section = (name: string): Buffer => {
    const s = h.sections[name];
    if (!Array.isArray(s) || !Number.isInteger(s[0]) || !Number.isInteger(s[1])) throw new Damaged(name);
    const [off, len] = s;
    if (off < 0 || len < 0 || off + len > body.length) throw new Damaged(name);
    return body.subarray(off, off + len);
  };
  function* typed<T>(
    name: string,
    C: { new (b: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
    count: number,
  ): Steps<T> {
    const b = section(name);
    if (b.length !== count * C.BYTES_PER_ELEMENT) throw new Damaged(name);
    // A copy: aligned, owned, and growable by the caller.
    const copy = new ArrayBuffer(b.length);
    const into = new Uint8Array(copy);
    for (let off = 0; off < b.length; off += CRC_STEP) {
      into.set(b.subarray(off, off + CRC_STEP), off);
      yield;
    }
    return new C(copy);
  }
  function* offsets(name: string, count: number, limit: number): Steps<Uint32Array> {
    const off = yield* typed(`${name}.off`, Uint32Array, count + 1);
    if (off[0] !== 0 || off[count] !== limit) throw new Damaged(name);
    yield* each(name, count, (i) => off[i]! > off[i + 1]!);
    return off;
  }
  const bytesAt = (name: string): number => {
    const s = h.sections[name];
    section(name);
    return s![0];
  };
  function* strings(name: string, count: number) {
    const bytes = section(`${name}.bytes`);
    const off = yield* offsets(name, count, bytes.length);
    const base = bytesAt(`${name}.bytes`);
    return { off, base, get: (i: number) => body.toString("utf8", base + off[i]!, base + off[i + 1]!) };
  }
  function* dictionary(name: string, fields: number, withTf: boolean): Steps<Dictionary> {
    const keysSection = h.sections[`${name}.keys.off`];
    if (!Array.isArray(keysSection)) throw new Damaged(name);
    const count = keysSection[1] / 4 - 1;
    if (!Number.isInteger(count) || count < 0) throw new Damaged(name);
    const keys = yield* strings(`${name}.keys`, count);
    const lists = yield* typed(`${name}.lists`, Uint32Array, count * fields * 2);
    const listBytes = section(`${name}.bytes`);
    yield* each(name, lists.length >>> 1, (i) => lists[i * 2]! > listBytes.length);
    return new Dictionary(body, keys.off, keys.base, lists, listBytes, fields, withTf, n);
  }
  const ids = yield* strings("ids", n);
  const docs = yield* strings("docs", n);
  const kind = yield* typed("kind", Uint8Array, n);
  yield* each("kind", n, (i) => kind[i]! > 4);
  const segment: Segment = {
    state: {
      namespace: h.namespace,
      seenSeq: h.seenSeq,
      anchor: h.anchor,
      pending: h.pending.map((p) => ({ id: p.id, op: p.op, base: p.base ?? undefined, at: p.at })),
    },
    n,
    totals: [h.totals[0], h.totals[1]],
    importance: yield* typed("importance", Float64Array, n),
    createdMs: yield* typed("createdMs", Float64Array, n),
    updatedMs: yield* typed("updatedMs", Float64Array, n),
    expiresMs: yield* typed("expiresMs", Float64Array, n),
    version: yield* typed("version", Float64Array, n),
    pinned: yield* typed("pinned", Uint8Array, n),
    kind,
    lengths: [yield* typed("len0", Int32Array, n), yield* typed("len1", Int32Array, n)],
    terms: yield* dictionary("terms", 2, true),
    tags: yield* dictionary("tags", 1, false),
    sessions: yield* dictionary("sessions", 1, false),
    groups: yield* dictionary("groups", 1, false),
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
