import { BackendCorruptError, type LogEntry, type StoredRecord } from "@tta-dev/core";

function corrupt(place: string, what: string, cause?: unknown): never {
  throw new BackendCorruptError(
    `Corrupt data in Redis at ${place}: ${what}`,
    { place },
    cause === undefined ? undefined : { cause },
  );
}

function parseJson(text: string, place: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    return corrupt(place, "the value is not valid JSON", err);
  }
}

// A record is one string `<version>:<expiresAt or empty>:<value JSON>` (written by the put script),
// so value, version and expiry come back with one GET and go in with one SET (with PX when it expires).
const HEADER = /^([1-9]\d{0,14}):(\d{0,16}):/;

/** Decode a stored record; `null` when it has expired by `now`. Anything malformed: `BACKEND_CORRUPT`. */
export function decodeRecord(raw: unknown, key: string, now: number, place: string): StoredRecord | null {
  if (typeof raw !== "string") return corrupt(place, `expected a string, got ${typeof raw}`);
  const m = HEADER.exec(raw);
  if (!m) return corrupt(place, "missing the version:expiresAt: header");
  const expiresAt = m[2] === "" ? null : Number(m[2]);
  if (expiresAt !== null && expiresAt <= now) return null;
  const value = parseJson(raw.slice(m[0].length), place);
  return { key, value, version: Number(m[1]), expiresAt };
}

/**
 * A log entry is stored as the JSON array `[value]` or `[value, idempotencyKey]`, written by
 * concatenating the already serialised value (no second stringify on the hot path).
 */
export function encodeEntry(json: string, idempotencyKey?: string): string {
  return idempotencyKey === undefined ? `[${json}]` : `[${json},${JSON.stringify(idempotencyKey)}]`;
}

/** Decode a stored log entry at `seq`. Anything malformed: `BACKEND_CORRUPT`. */
export function decodeEntry(raw: unknown, seq: number, place: string): LogEntry {
  if (typeof raw !== "string") return corrupt(`${place}#${seq}`, `expected a string, got ${typeof raw}`);
  const parsed = parseJson(raw, `${place}#${seq}`);
  if (!Array.isArray(parsed) || parsed.length < 1 || parsed.length > 2) {
    return corrupt(`${place}#${seq}`, "expected [value] or [value, idempotencyKey]");
  }
  if (parsed.length === 1) return { seq, value: parsed[0] };
  if (typeof parsed[1] !== "string") return corrupt(`${place}#${seq}`, "the idempotency key is not a string");
  return { seq, value: parsed[0], idempotencyKey: parsed[1] };
}

/** Fail `BACKEND_CORRUPT` unless `ok`: for the shape of script replies. */
export function expectShape(ok: boolean, place: string, what: string): void {
  if (!ok) corrupt(place, what);
}
