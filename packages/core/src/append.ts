import { ValidationError } from "./errors.js";
import { serializeValue, validateKey } from "./keys.js";
import type { AppendedEntry, LogEntry } from "./port.js";

/** A log item once checked: its value as JSON text, and its idempotency key when it has one. */
export interface PreparedLogItem {
  json: string;
  idempotencyKey?: string;
}

/** Turns one item's value into JSON text; `path` (`items.<i>.value`) names it in errors. */
export type ValueSerializer = (value: unknown, path: string) => string;

function fail(path: string, message: string): never {
  throw new ValidationError(`${path}: ${message}`, { issues: [{ path, message }] });
}

/**
 * `serializeValue` with its errors naming `path` (`items.2.value: …`) rather than `value`.
 *
 * @example
 * serializeValueAt(Number.NaN, "items.0.value"); // throws "items.0.value: numbers must be finite"
 */
export const serializeValueAt: ValueSerializer = (value, path) => {
  try {
    return serializeValue(value);
  } catch (e) {
    const issues =
      e instanceof ValidationError ? (e.details.issues as { path: string; message: string }[]) : [];
    if (issues.length === 1 && issues[0]!.path === "value") fail(path, issues[0]!.message);
    throw e;
  }
};

/**
 * The rules every backend applies to `append` before it touches its store: `items` is a non-empty
 * array of objects, each `idempotencyKey` (when given) is a valid key, each value is JSON. Returns
 * the items with their values serialised, in order. A backend with a stricter rule for values
 * (say, a nesting limit) passes its own `serialize`.
 *
 * @throws VALIDATION_FAILED naming the first bad item (`items`, `items.3.idempotencyKey`, `items.0.value`).
 * @example
 * const prepared = validateAppend(items); // [{ json: '{"text":"hi"}', idempotencyKey: "m-1" }]
 */
export function validateAppend(
  items: unknown,
  serialize: ValueSerializer = serializeValueAt,
): PreparedLogItem[] {
  if (!Array.isArray(items) || items.length === 0) fail("items", "must be a non-empty array");
  return items.map((item: unknown, i): PreparedLogItem => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      fail(`items.${i}`, "must be an object with a value");
    }
    const { value, idempotencyKey } = item as { value?: unknown; idempotencyKey?: unknown };
    if (idempotencyKey !== undefined) validateKey(idempotencyKey, `items.${i}.idempotencyKey`);
    const json = serialize(value, `items.${i}.value`);
    return idempotencyKey === undefined ? { json } : { json, idempotencyKey };
  });
}

/** An entry an append will write: its seq, its value as JSON text and its idempotency key. */
export interface PlannedEntry {
  seq: number;
  json: string;
  idempotencyKey?: string;
}

/** What an append does: what it returns (in item order) and the new entries to write (in seq order). */
export interface AppendPlan {
  entries: AppendedEntry[];
  fresh: PlannedEntry[];
}

/**
 * Plan an append with idempotency, the same way in every backend that does it in TypeScript: an item
 * whose key is already in the log returns that entry (`duplicate: true`); a key repeated within the
 * batch returns the batch's first entry for it; every other item gets the next seq after `lastSeq`.
 * `earlier` looks a key up in the log as committed (`null` or `undefined`: not there).
 *
 * @example
 * const plan = planIdempotentAppend(validateAppend(items), log.length, (k) => byKey.get(k));
 * for (const e of plan.fresh) write(e.seq, e.json, e.idempotencyKey);
 * return plan.entries;
 */
export function planIdempotentAppend(
  items: readonly PreparedLogItem[],
  lastSeq: number,
  earlier: (key: string) => LogEntry | null | undefined,
): AppendPlan {
  const entries: AppendedEntry[] = [];
  const fresh: PlannedEntry[] = [];
  const inBatch = new Map<string, AppendedEntry>();
  let seq = lastSeq;
  for (const item of items) {
    const k = item.idempotencyKey;
    if (k !== undefined) {
      const again = inBatch.get(k);
      if (again) {
        entries.push({ ...again, duplicate: true });
        continue;
      }
      const old = earlier(k);
      if (old) {
        entries.push({ seq: old.seq, value: old.value, idempotencyKey: k, duplicate: true });
        continue;
      }
    }
    seq += 1;
    fresh.push(k === undefined ? { seq, json: item.json } : { seq, json: item.json, idempotencyKey: k });
    const entry: AppendedEntry = {
      seq,
      value: JSON.parse(item.json),
      ...(k !== undefined ? { idempotencyKey: k } : {}),
      duplicate: false,
    };
    if (k !== undefined) inBatch.set(k, entry);
    entries.push(entry);
  }
  return { entries, fresh };
}
