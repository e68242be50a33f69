import {
  type AppendedEntry,
  BackendCorruptError,
  keyFor,
  type LogEntry,
  type LogItem,
  normalizeReadLogOptions,
  planIdempotentAppend,
  type ReadLogOptions,
  type Scope,
  validateAppend,
} from "@tta-dev/core";
import { decodeCount, decodeEntry, encodeEntry } from "./codec.js";
import type { StoreEntry, StoreGateway } from "./store-gateway.js";

/** How many entries one store round trip reads or deletes when a whole log is walked. */
const CHUNK = 500;

/**
 * Append-only logs over plain keys: a length key (`…:l`, the commit point), one key per entry
 * (`…:l:<seq>`) and one per idempotency key (`…:l:k:<key>` → seq), and after a trim the last removed
 * seq (`…:l:t`). Append writes only the new entries, then the length (in one call where the store's
 * `setMany` is all-or-nothing); reading the last N reads N keys. A trim writes its point first (the
 * commit point: from then on the removed range reads as gone and its idempotency keys count for
 * nothing), then deletes the removed entries and their keys. Callers run `append`, `read`, `trim`
 * and `delete` inside the scope's write lane.
 */
export interface LogStore {
  append(scope: Scope, items: readonly LogItem[]): Promise<AppendedEntry[]>;
  read(scope: Scope, options?: ReadLogOptions): Promise<LogEntry[]>;
  length(scope: Scope): Promise<number>;
  /** Remove the entries with seq < `beforeSeq` (an integer ≥ 1); returns how many went. */
  trim(scope: Scope, beforeSeq: number): Promise<number>;
  delete(scope: Scope): Promise<boolean>;
}

function toLogEntry(e: { seq: number; value: unknown; idempotencyKey?: string }): LogEntry {
  return {
    seq: e.seq,
    value: e.value,
    ...(e.idempotencyKey !== undefined ? { idempotencyKey: e.idempotencyKey } : {}),
  };
}

/**
 * Create the log store over a gateway.
 *
 * @example
 * const logs = createLogStore(gateway);
 * await logs.append(scope, [{ value: { text: "hi" } }]);
 */
export function createLogStore(gateway: StoreGateway): LogStore {
  const lengthKey = (scope: Scope) => keyFor(scope, "l");
  const entryKey = (scope: Scope, seq: number) => keyFor(scope, "l", String(seq));
  const idemKey = (scope: Scope, key: string) => keyFor(scope, "l", "k", key);
  const trimKey = (scope: Scope) => keyFor(scope, "l", "t");

  function readLength(raw: unknown, scope: Scope): number {
    return raw === undefined ? 0 : decodeCount(raw, lengthKey(scope));
  }

  /** The log's length and the last seq a trim removed (0: none). */
  async function bounds(scope: Scope): Promise<{ length: number; trimmed: number }> {
    const [rawLength, rawTrimmed] = await gateway.getMany([lengthKey(scope), trimKey(scope)]);
    const trimmed = rawTrimmed === undefined ? 0 : decodeCount(rawTrimmed, trimKey(scope));
    return { length: readLength(rawLength, scope), trimmed };
  }

  /** Delete the entries `from`…`to` and the idempotency keys they carry, a chunk at a time. */
  async function deleteEntries(scope: Scope, from: number, to: number): Promise<void> {
    for (let start = from; start <= to; start += CHUNK) {
      const keys: string[] = [];
      for (let s = start; s < start + CHUNK && s <= to; s++) keys.push(entryKey(scope, s));
      const raws = await gateway.getMany(keys);
      const doomed = [...keys];
      raws.forEach((raw, i) => {
        if (raw === undefined) return;
        try {
          const entry = decodeEntry(raw, start + i, keys[i]!);
          if (entry.idempotencyKey !== undefined) doomed.push(idemKey(scope, entry.idempotencyKey));
        } catch {
          // A corrupt entry is deleted all the same; its idempotency key cannot be found.
        }
      });
      await gateway.deleteMany(doomed);
    }
  }

  async function readEntries(scope: Scope, seqs: readonly number[]): Promise<LogEntry[]> {
    const keys = seqs.map((s) => entryKey(scope, s));
    const raws = await gateway.getMany(keys);
    return raws.map((raw, i) => {
      if (raw === undefined) {
        throw new BackendCorruptError(`Corrupt data at ${keys[i]}: log entry ${seqs[i]} is missing`, {
          place: keys[i],
          issues: [{ path: "(root)", message: "missing entry below the log length" }],
        });
      }
      return toLogEntry(decodeEntry(raw, seqs[i]!, keys[i]!));
    });
  }

  const store: LogStore = {
    async append(scope, items) {
      const prepared = validateAppend(items);
      const idems = [
        ...new Set(prepared.flatMap((p) => (p.idempotencyKey === undefined ? [] : [p.idempotencyKey]))),
      ];
      const [rawLength, rawTrimmed, ...rawSeqs] = await gateway.getMany([
        lengthKey(scope),
        trimKey(scope),
        ...idems.map((k) => idemKey(scope, k)),
      ]);
      const length = readLength(rawLength, scope);
      const trimmed = rawTrimmed === undefined ? 0 : decodeCount(rawTrimmed, trimKey(scope));

      // An idempotency key only counts when its entry is committed, kept and carries that key: a write
      // cut short leaves keys pointing past the length, a trim cut short keys pointing at or below
      // its point, which later appends simply overwrite.
      const seen = new Map<string, LogEntry>();
      const claimed = idems
        .map((k, i) => ({ k, raw: rawSeqs[i] }))
        .filter((c) => c.raw !== undefined)
        .map((c) => ({ k: c.k, seq: decodeCount(c.raw, idemKey(scope, c.k)) }))
        .filter((c) => c.seq > trimmed && c.seq <= length);
      if (claimed.length) {
        const entries = await readEntries(
          scope,
          claimed.map((c) => c.seq),
        );
        claimed.forEach((c, i) => {
          if (entries[i]!.idempotencyKey === c.k) seen.set(c.k, entries[i]!);
        });
      }

      const plan = planIdempotentAppend(prepared, length, (k) => seen.get(k));
      const writes: StoreEntry[] = [];
      for (const e of plan.fresh) {
        writes.push({ key: entryKey(scope, e.seq), value: encodeEntry(e.seq, e.json, e.idempotencyKey) });
        if (e.idempotencyKey !== undefined)
          writes.push({ key: idemKey(scope, e.idempotencyKey), value: String(e.seq) });
      }
      const seq = plan.fresh.at(-1)?.seq ?? length;
      if (seq > length) {
        await gateway.writeInOrder([writes, [{ key: lengthKey(scope), value: String(seq) }]]);
      }
      return plan.entries;
    },

    async read(scope, options) {
      const { afterSeq, beforeSeq, limit, fromEnd } = normalizeReadLogOptions(options);
      const { length, trimmed } = await bounds(scope);
      const lo = Math.max(afterSeq, trimmed) + 1;
      const hi = Math.min(length, beforeSeq - 1);
      if (hi < lo) return [];
      const first = fromEnd ? Math.max(lo, hi - limit + 1) : lo;
      const last = fromEnd ? hi : Math.min(hi, lo + limit - 1);
      const seqs: number[] = [];
      for (let s = first; s <= last; s++) seqs.push(s);
      return readEntries(scope, seqs);
    },

    async length(scope) {
      return readLength(await gateway.get(lengthKey(scope)), scope);
    },

    async trim(scope, beforeSeq) {
      const { length, trimmed } = await bounds(scope);
      const to = Math.min(beforeSeq - 1, length);
      if (to <= trimmed) return 0;
      await gateway.writeInOrder([[{ key: trimKey(scope), value: String(to) }]]);
      await deleteEntries(scope, trimmed + 1, to);
      return to - trimmed;
    },

    async delete(scope) {
      const length = readLength(await gateway.get(lengthKey(scope)), scope);
      if (length === 0) return false;
      // The length and the trim point go first: from then on the log reads as empty whatever happens next.
      await gateway.deleteMany([lengthKey(scope), trimKey(scope)]);
      // From seq 1, not from the trim point: a trim cut short may have left entries below it.
      await deleteEntries(scope, 1, length);
      return true;
    },
  };
  return store;
}
