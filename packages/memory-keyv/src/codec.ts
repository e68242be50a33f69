import { BackendCorruptError } from "@tta-dev/core";

/** A record as kept in the store: the value stays the exact JSON text the caller's value produced. */
export interface RecordCell {
  version: number;
  expiresAt: number | null;
  value: unknown;
}

/** One log entry as kept in the store. */
export interface EntryCell {
  seq: number;
  value: unknown;
  idempotencyKey?: string;
}

/** The page directory of a scope's key index: `[pageId, lowerBound]`, ascending by bound. */
export interface IndexDirectory {
  next: number;
  pages: [number, string][];
}

function corrupt(place: string, message: string, cause?: unknown): never {
  throw new BackendCorruptError(
    `Corrupt data at ${place}: ${message}`,
    { place, issues: [{ path: "(root)", message }] },
    cause === undefined ? undefined : { cause },
  );
}

function parse(raw: unknown, place: string): unknown {
  if (typeof raw !== "string") corrupt(place, `expected a string, found ${typeof raw}`);
  try {
    return JSON.parse(raw);
  } catch (error) {
    return corrupt(place, "not valid JSON", error);
  }
}

function object(raw: unknown, place: string): Record<string, unknown> {
  const data = parse(raw, place);
  if (typeof data !== "object" || data === null || Array.isArray(data)) corrupt(place, "expected an object");
  return data as Record<string, unknown>;
}

const isCount = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n) && n >= 0;

/** Build the stored text of a record around already serialised JSON (no second escaping). */
export function encodeRecord(version: number, expiresAt: number | null, json: string): string {
  return `{"v":${version},"e":${expiresAt === null ? "null" : expiresAt},"d":${json}}`;
}

/** Read a record back; `BACKEND_CORRUPT` naming `place` when it is not what was written. */
export function decodeRecord(raw: unknown, place: string): RecordCell {
  const o = object(raw, place);
  if (!isCount(o.v) || o.v < 1) corrupt(place, "v: expected a positive integer version");
  if (o.e !== null && !isCount(o.e)) corrupt(place, "e: expected an expiry in epoch ms or null");
  if (!("d" in o)) corrupt(place, "d: missing value");
  return { version: o.v, expiresAt: o.e as number | null, value: o.d };
}

/** Build the stored text of a log entry. */
export function encodeEntry(seq: number, json: string, idempotencyKey?: string): string {
  const k = idempotencyKey === undefined ? "" : `"k":${JSON.stringify(idempotencyKey)},`;
  return `{"s":${seq},${k}"d":${json}}`;
}

/** Read a log entry back and check it is the one expected at `seq`. */
export function decodeEntry(raw: unknown, seq: number, place: string): EntryCell {
  const o = object(raw, place);
  if (o.s !== seq) corrupt(place, `s: expected seq ${seq}`);
  if (o.k !== undefined && typeof o.k !== "string") corrupt(place, "k: expected a string");
  if (!("d" in o)) corrupt(place, "d: missing value");
  return { seq, value: o.d, ...(o.k !== undefined ? { idempotencyKey: o.k as string } : {}) };
}

/** Read a non-negative integer (a log length or an idempotency key's seq). */
export function decodeCount(raw: unknown, place: string): number {
  const n = parse(raw, place);
  if (!isCount(n)) corrupt(place, "expected a non-negative integer");
  return n;
}

/** Read an index page: strictly ascending encoded keys. */
export function decodePage(raw: unknown, place: string): string[] {
  const keys = parse(raw, place);
  if (!Array.isArray(keys)) corrupt(place, "expected an array of keys");
  for (let i = 0; i < keys.length; i++) {
    if (typeof keys[i] !== "string" || (i > 0 && !(keys[i - 1] < keys[i])))
      corrupt(place, `${i}: expected keys as ascending strings`);
  }
  return keys as string[];
}

/** Read the index directory. */
export function decodeDirectory(raw: unknown, place: string): IndexDirectory {
  const o = object(raw, place);
  if (!isCount(o.n)) corrupt(place, "n: expected the next page id");
  if (!Array.isArray(o.p) || o.p.length === 0) corrupt(place, "p: expected a non-empty page list");
  const pages = o.p as unknown[];
  for (let i = 0; i < pages.length; i++) {
    const p = pages[i];
    if (!Array.isArray(p) || p.length !== 2 || !isCount(p[0]) || typeof p[1] !== "string")
      corrupt(place, `p.${i}: expected [pageId, lowerBound]`);
    if (i > 0 && !((pages[i - 1] as [number, string])[1] < p[1]))
      corrupt(place, `p.${i}: bounds must ascend`);
  }
  return { next: o.n, pages: pages as [number, string][] };
}

/** Build the stored text of the index directory. */
export function encodeDirectory(dir: IndexDirectory): string {
  return JSON.stringify({ n: dir.next, p: dir.pages });
}
