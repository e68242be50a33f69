import {
  type BackendCapabilities,
  BackendUnavailableError,
  type BatchRead,
  type Clock,
  checkBackendOptions,
  checkCondition,
  checkDerivedName,
  checkNamespace,
  conditionHolds,
  type DeleteOptions,
  encodeSegment,
  isKeyOfNamespace,
  type ListOptions,
  type LogEntry,
  type LogItem,
  type MemoryBackend,
  normalizeListOptions,
  normalizeReadLogOptions,
  OptionRule,
  type PutOptions,
  planIdempotentAppend,
  type RawKeyListing,
  type ReadLogOptions,
  type RecordPage,
  runBatchSequentially,
  type Scope,
  type StoredRecord,
  scopePrefix,
  serializeValue,
  systemClock,
  ValidationError,
  VersionConflictError,
  validateAppend,
  validateIfVersion,
  validateKey,
  validateScope,
  validateTrimSeq,
  validateTtl,
} from "@tta-dev/core";

/** Options of {@link createInMemoryBackend}. */
export interface InMemoryBackendOptions {
  /** Time source for expiry; inject a manual clock in tests. */
  clock?: Clock;
}

interface Cell {
  json: string;
  version: number;
  expiresAt: number | null;
}

interface Log {
  entries: { seq: number; json: string; idempotencyKey?: string }[];
  /** How many entries `trimLog` removed from the front: `entries[i]` has seq `trimmed + i + 1`. */
  trimmed: number;
  byKey: Map<string, number>;
}

/** The in-memory backend: the storage port plus the raw key listing of the conformance suite. */
export interface InMemoryBackend extends MemoryBackend, RawKeyListing {}

/**
 * The reference backend: everything in process memory, every operation atomic (single-threaded),
 * expiry against the injected clock. For tests, examples and `--backend memory`.
 *
 * @example
 * const backend = createInMemoryBackend();
 * await backend.put({ namespace: "default", collection: "notes" }, "a", { text: "hi" });
 */
export function createInMemoryBackend(options: InMemoryBackendOptions = {}): InMemoryBackend {
  const clock = checkBackendOptions("memory", options, { clock: OptionRule.clock() }).clock ?? systemClock;
  const records = new Map<string, Map<string, Cell>>();
  // Keys of a table sorted by their encoded form, rebuilt only when the set of keys changes.
  const order = new WeakMap<Map<string, Cell>, (readonly [string, string])[]>();
  function sortedKeys(t: Map<string, Cell>): (readonly [string, string])[] {
    let keys = order.get(t);
    if (!keys) {
      keys = [...t.keys()]
        .map((k) => [encodeSegment(k), k] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      order.set(t, keys);
    }
    return keys;
  }
  const logs = new Map<string, Log>();
  /** Derived data (copies in and out: a caller can never change what is held). */
  const derived = new Map<string, Uint8Array>();
  let closed = false;

  const capabilities: BackendCapabilities = Object.freeze({
    atomicCompareAndSet: true,
    crossProcess: false,
    nativeTtl: false,
    durability: "memory",
  });

  function open(): void {
    if (closed) throw new BackendUnavailableError("The in-memory backend is closed.", { backend: "memory" });
  }

  function table(scope: Scope, create: boolean): Map<string, Cell> | undefined {
    validateScope(scope);
    const id = scopePrefix(scope);
    let t = records.get(id);
    if (!t && create) {
      t = new Map();
      records.set(id, t);
    }
    return t;
  }

  function live(cell: Cell | undefined): Cell | undefined {
    if (!cell) return undefined;
    return cell.expiresAt !== null && cell.expiresAt <= clock.now() ? undefined : cell;
  }

  function toRecord(key: string, cell: Cell): StoredRecord {
    return { key, value: JSON.parse(cell.json), version: cell.version, expiresAt: cell.expiresAt };
  }

  function logOf(scope: Scope, create: boolean): Log | undefined {
    validateScope(scope);
    const id = scopePrefix(scope);
    let log = logs.get(id);
    if (!log && create) {
      log = { entries: [], trimmed: 0, byKey: new Map() };
      logs.set(id, log);
    }
    return log;
  }

  function toLogEntry(e: Log["entries"][number]): LogEntry {
    return {
      seq: e.seq,
      value: JSON.parse(e.json),
      ...(e.idempotencyKey !== undefined ? { idempotencyKey: e.idempotencyKey } : {}),
    };
  }

  function sweep(t: Map<string, Cell>): void {
    for (const [k, c] of t) {
      if (!live(c)) {
        t.delete(k);
        order.delete(t);
      }
    }
  }

  const backend: InMemoryBackend = {
    name: "memory",
    capabilities,

    async get(scope, key) {
      open();
      validateKey(key);
      const cell = live(table(scope, false)?.get(key));
      return cell ? toRecord(key, cell) : null;
    },

    async getMany(scope, keys) {
      open();
      const out: (StoredRecord | null)[] = [];
      for (const k of keys) out.push(await backend.get(scope, k));
      return out;
    },

    async put(scope, key, value, opts: PutOptions = {}) {
      open();
      validateKey(key);
      validateIfVersion(opts.ifVersion);
      validateTtl(opts.ttlMs);
      const json = serializeValue(value);
      const t = table(scope, true)!;
      const current = live(t.get(key));
      const currentVersion = current?.version ?? 0;
      if (opts.ifVersion !== undefined && opts.ifVersion !== currentVersion) {
        throw new VersionConflictError(`Record "${key}"`, opts.ifVersion, currentVersion);
      }
      const cell: Cell = {
        json,
        version: currentVersion + 1,
        expiresAt: opts.ttlMs === undefined ? null : clock.now() + opts.ttlMs,
      };
      if (!t.has(key)) order.delete(t);
      t.set(key, cell);
      return toRecord(key, cell);
    },

    async delete(scope, key, opts: DeleteOptions = {}) {
      open();
      validateKey(key);
      validateIfVersion(opts.ifVersion);
      const t = table(scope, false);
      const current = live(t?.get(key));
      if (opts.ifVersion !== undefined && opts.ifVersion !== (current?.version ?? 0)) {
        throw new VersionConflictError(`Record "${key}"`, opts.ifVersion, current?.version ?? 0);
      }
      if (t?.delete(key)) order.delete(t);
      if (t && t.size === 0) records.delete(scopePrefix(scope));
      return current !== undefined;
    },

    async list(scope, opts: ListOptions = {}) {
      open();
      const { prefix, cursor, limit } = normalizeListOptions(opts);
      const t = table(scope, false);
      if (!t) return { items: [], nextCursor: null };
      const keys = sortedKeys(t);
      // Binary search for the first encoded key after the cursor.
      let lo = 0;
      let hi = keys.length;
      while (cursor !== null && lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid]![0] <= cursor) lo = mid + 1;
        else hi = mid;
      }
      const page: (readonly [string, string])[] = [];
      let more = false;
      for (let i = lo; i < keys.length; i++) {
        const entry = keys[i]!;
        if (!entry[1].startsWith(prefix) || !live(t.get(entry[1]))) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        page.push(entry);
      }
      const items = page.map(([, k]) => toRecord(k, t.get(k)!));
      const nextCursor = more ? page[page.length - 1]![0] : null;
      return { items, nextCursor } satisfies RecordPage;
    },

    async clear(scope) {
      open();
      const t = table(scope, false);
      if (!t) return 0;
      sweep(t);
      const n = t.size;
      records.delete(scopePrefix(scope));
      return n;
    },

    async append(scope, items: readonly LogItem[]) {
      open();
      const prepared = validateAppend(items);
      const log = logOf(scope, true)!;
      const plan = planIdempotentAppend(prepared, log.trimmed + log.entries.length, (k) => {
        const seq = log.byKey.get(k);
        return seq === undefined ? null : toLogEntry(log.entries[seq - log.trimmed - 1]!);
      });
      for (const e of plan.fresh) {
        log.entries.push(e);
        if (e.idempotencyKey !== undefined) log.byKey.set(e.idempotencyKey, e.seq);
      }
      return plan.entries;
    },

    async appendIf(condition, scope, items) {
      open();
      checkCondition(condition);
      validateKey(condition.key, "condition.key");
      const cell = live(table(condition.scope, false)?.get(condition.key));
      const record = cell ? toRecord(condition.key, cell) : null;
      if (!conditionHolds(condition, record)) return { ok: false, record };
      // `append` has no await before it changes the log: the check and the append are one step.
      return { ok: true, entries: await backend.append(scope, items) };
    },

    async readLog(scope, opts: ReadLogOptions = {}) {
      open();
      const { afterSeq, beforeSeq, limit, fromEnd } = normalizeReadLogOptions(opts);
      const log = logOf(scope, false);
      if (!log) return [];
      // Indexes into the kept entries: the first with seq > afterSeq, and past the last with seq < beforeSeq.
      const lo = Math.max(0, afterSeq - log.trimmed);
      const hi = Math.min(log.entries.length, beforeSeq - 1 - log.trimmed);
      if (hi <= lo) return [];
      const start = fromEnd ? Math.max(lo, hi - limit) : lo;
      const end = fromEnd ? hi : Math.min(hi, lo + limit);
      return log.entries.slice(start, end).map(toLogEntry);
    },

    async logLength(scope) {
      open();
      const log = logOf(scope, false);
      return log ? log.trimmed + log.entries.length : 0;
    },

    async deleteLog(scope) {
      open();
      validateScope(scope);
      return logs.delete(scopePrefix(scope));
    },

    async trimLog(scope, beforeSeq) {
      open();
      const before = validateTrimSeq(beforeSeq);
      const log = logOf(scope, false);
      if (!log) return 0;
      const removed = log.entries.splice(0, Math.max(0, before - 1 - log.trimmed));
      log.trimmed += removed.length;
      for (const e of removed) if (e.idempotencyKey !== undefined) log.byKey.delete(e.idempotencyKey);
      return removed.length;
    },

    batch: (reads: readonly BatchRead[]) => runBatchSequentially(backend, reads),

    async ping() {
      open();
    },

    async readDerived(namespace, name) {
      open();
      const bytes = derived.get(`${checkNamespace(namespace)}\u0000${checkDerivedName(name)}`);
      return bytes ? new Uint8Array(bytes) : null;
    },

    async writeDerived(namespace, name, bytes) {
      open();
      if (!(bytes instanceof Uint8Array)) {
        throw new ValidationError("bytes: must be a Uint8Array", {
          issues: [{ path: "bytes", message: "not bytes" }],
        });
      }
      derived.set(`${checkNamespace(namespace)}\u0000${checkDerivedName(name)}`, new Uint8Array(bytes));
    },

    async close() {
      closed = true;
    },

    async rawKeys(namespace) {
      const keys: string[] = [];
      for (const [id, t] of records) for (const k of t.keys()) keys.push(`${id}:r:${encodeSegment(k)}`);
      for (const [id, log] of logs) if (log.entries.length || log.trimmed) keys.push(`${id}:log`);
      return keys.filter((k) => isKeyOfNamespace(k, namespace)).sort();
    },
  };
  return backend;
}
