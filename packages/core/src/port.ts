import { NotSupportedError, ValidationError } from "./errors.js";
import { FORBIDDEN_KEYS } from "./json-check.js";

/** How durable an acknowledged write is. */
export type Durability = "fsync" | "os" | "memory";

/** What a backend guarantees. The conformance suite holds every backend to what it declares. */
export interface BackendCapabilities {
  /** `ifVersion` is enforced atomically, across processes when `crossProcess` is also true. */
  atomicCompareAndSet: boolean;
  /** Several processes may share the store safely. */
  crossProcess: boolean;
  /** Expiry is enforced by the store itself (otherwise filtered on read and swept). */
  nativeTtl: boolean;
  /** `fsync`: on disk when acknowledged; `os`: written, not synced; `memory`: lost with the process. */
  durability: Durability;
}

/**
 * Where records and a log live. `collection` is a fixed lower-case name chosen by the caller;
 * `partition` (optional) groups everything of one owner, e.g. one session, so that a store that shards
 * (Redis Cluster) keeps it together. Backends escape every part; any string is safe here.
 */
export interface Scope {
  namespace: string;
  collection: string;
  partition?: string;
}

/** A versioned JSON record. `expiresAt` is epoch milliseconds, or `null` for no expiry. */
export interface StoredRecord<T = unknown> {
  key: string;
  value: T;
  version: number;
  expiresAt: number | null;
}

export interface PutOptions {
  /** Expected current version; `0` means the record must not exist. Mismatch: `VERSION_CONFLICT`. */
  ifVersion?: number;
  /** Time to live in milliseconds; omitted means no expiry (a previous expiry is removed). */
  ttlMs?: number;
}

export interface DeleteOptions {
  ifVersion?: number;
}

export interface ListOptions {
  /** Only keys that start with this raw prefix. */
  prefix?: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
  /** Page size; default 100, at most 1000. */
  limit?: number;
}

/** A page of records in ascending order of their encoded key (see `compareKeys`). */
export interface RecordPage<T = unknown> {
  items: StoredRecord<T>[];
  nextCursor: string | null;
}

/** One value to append to a log. */
export interface LogItem {
  value: unknown;
  /** A key already seen in this log returns the original entry instead of appending again. */
  idempotencyKey?: string;
}

/** One entry of a log: seqs are 1, 2, 3… with no gaps (a trimmed log starts after its trim point). */
export interface LogEntry {
  seq: number;
  value: unknown;
  idempotencyKey?: string;
}

/** What `append` returns per item: the stored entry, and whether it was there before. */
export interface AppendedEntry extends LogEntry {
  duplicate: boolean;
}

export interface ReadLogOptions {
  /** Only entries with seq > afterSeq. */
  afterSeq?: number;
  /** Only entries with seq < beforeSeq. */
  beforeSeq?: number;
  /** At most this many entries; default 1000, at most 10 000. */
  limit?: number;
  /** Take the last `limit` entries of the range instead of the first. Results stay ascending. */
  fromEnd?: boolean;
}

/**
 * What a conditional append (`MemoryBackend.appendIf`) requires of one record: it exists, has not
 * expired, and its value is an object whose own top-level `field` is the string `equals` (a session
 * that is `active`). `field` is 1-64 of `[A-Za-z0-9_]` starting with a letter; `equals` at most 256
 * characters.
 */
export interface RecordCondition {
  scope: Scope;
  key: string;
  field: string;
  equals: string;
}

/**
 * What `appendIf` did: appended (the entries, as `append` returns them), or not, with the record it
 * found instead (`null` when there is none or it has expired).
 */
export type ConditionalAppend =
  | { ok: true; entries: AppendedEntry[] }
  | { ok: false; record: StoredRecord | null };

/** A read that may travel with others in one round trip (see `MemoryBackend.batch`). */
export type BatchRead =
  | { op: "get"; scope: Scope; key: string }
  | { op: "getMany"; scope: Scope; keys: string[] }
  | { op: "list"; scope: Scope; options?: ListOptions }
  | { op: "readLog"; scope: Scope; options?: ReadLogOptions }
  | { op: "logLength"; scope: Scope };

/** The result of each `BatchRead`, in order. */
export type BatchResult = StoredRecord | null | (StoredRecord | null)[] | RecordPage | LogEntry[] | number;

/** One piece of damaged data a backend found (see `MemoryBackend.inspect`). */
export interface StoreProblem {
  /** `corrupt-line` (a line that fails its checksum or shape), `corrupt-entry`, `seq-gap`, … */
  kind: string;
  /** Where, relative to the store (a file under the data directory, or a key): never an absolute path. */
  place: string;
  /** 1-based line in `place`, when it is a file of lines. */
  line?: number;
  /** What is wrong and what it costs. */
  message: string;
  /** Whether `repair()` can set it aside without touching good data. */
  repairable: boolean;
}

/** What `MemoryBackend.inspect` looked at and found. */
export interface StoreInspection {
  /** How many files (or keys) were read. */
  checked: number;
  problems: StoreProblem[];
}

/** What `MemoryBackend.repair` set aside (or would, with `dryRun`). */
export interface StoreRepair {
  dryRun: boolean;
  /** Each damaged piece moved out of the way: from where, how many lines, and into which side file. */
  moved: { place: string; lines: number[]; to: string }[];
  /** Problems left as they were (not repairable automatically), as `inspect` reports them. */
  remaining: StoreProblem[];
}

/** Options of `inspect` and `repair`. */
export interface StoreCheckOptions {
  /** Only this namespace; default every namespace the store holds. */
  namespace?: string;
}

/**
 * The storage port: the one interface a contributor implements to add a backend.
 *
 * Records are versioned JSON values in named collections; logs are append-only sequences with
 * backend-assigned, gapless seqs. Values must be JSON; they come back byte for byte as
 * `JSON.stringify` wrote them. Expired records are never returned. Errors are tta errors:
 * `VERSION_CONFLICT`, `VALIDATION_FAILED`, `BACKEND_UNAVAILABLE`, `BACKEND_CORRUPT`, `NOT_SUPPORTED`.
 */
export interface MemoryBackend {
  readonly name: string;
  readonly capabilities: BackendCapabilities;
  get(scope: Scope, key: string): Promise<StoredRecord | null>;
  getMany(scope: Scope, keys: readonly string[]): Promise<(StoredRecord | null)[]>;
  /** Create or replace; returns the stored record with its new version. */
  put(scope: Scope, key: string, value: unknown, options?: PutOptions): Promise<StoredRecord>;
  /** True when a live record was deleted. */
  delete(scope: Scope, key: string, options?: DeleteOptions): Promise<boolean>;
  list(scope: Scope, options?: ListOptions): Promise<RecordPage>;
  /** Delete every record of the scope (not its log); returns how many live records went. */
  clear(scope: Scope): Promise<number>;
  /** Append atomically: new items get consecutive seqs, all or nothing. */
  append(scope: Scope, items: readonly LogItem[]): Promise<AppendedEntry[]>;
  readLog(scope: Scope, options?: ReadLogOptions): Promise<LogEntry[]>;
  /**
   * Optional: `append` only when `condition` holds, both in one round trip where the store can (a
   * remote store's script). Atomic when the backend declares `atomicCompareAndSet` and it can check
   * the record where it appends; otherwise a read, then the append. Without it, callers read the
   * record first (see {@link appendWhen}).
   */
  appendIf?(condition: RecordCondition, scope: Scope, items: readonly LogItem[]): Promise<ConditionalAppend>;

  /** The last assigned seq, 0 for an empty or missing log. */
  logLength(scope: Scope): Promise<number>;
  /** Remove the log, its seq counter and its idempotency keys; true when it existed. */
  deleteLog(scope: Scope): Promise<boolean>;
  /**
   * Optional: remove the entries with seq < beforeSeq, atomically, keeping the seq counter: `logLength`
   * is unchanged, the next append continues the seqs, and reads of the removed range return nothing
   * (a read with afterSeq below the trim point starts at the first kept entry). The idempotency keys of
   * removed entries are forgotten. beforeSeq above length + 1 trims to length + 1. Returns how many
   * entries went (0 when none, or on a missing log). An integer ≥ 1, else VALIDATION_FAILED.
   */
  trimLog?(scope: Scope, beforeSeq: number): Promise<number>;
  /** Several reads at once; a remote store sends them in as few round trips as it can. */
  batch(reads: readonly BatchRead[]): Promise<BatchResult[]>;
  /** Resolves when the store is reachable; fails `BACKEND_UNAVAILABLE` otherwise. */
  ping(): Promise<void>;
  /**
   * Optional: read everything the store holds and list damaged data (`tta doctor`). A backend whose
   * store validates its own data (a database) may leave it out.
   */
  inspect?(options?: StoreCheckOptions): Promise<StoreInspection>;
  /**
   * Optional: move damaged data aside (into side files, never deleting it) so that the good data around
   * it reads and writes normally; with `dryRun`, only say what would move (`tta repair`).
   */
  repair?(options?: StoreCheckOptions & { dryRun?: boolean }): Promise<StoreRepair>;
  /**
   * Optional: derived data of a namespace (a persisted search index), opaque bytes under a name that
   * {@link checkDerivedName} accepts; `null` when there is none. Losing or damaging it loses nothing:
   * the layer that wrote it checks it and rebuilds it from the records. A write replaces the whole
   * value atomically (a reader sees the old bytes or the new ones).
   */
  readDerived?(namespace: string, name: string): Promise<Uint8Array | null>;
  writeDerived?(namespace: string, name: string, bytes: Uint8Array): Promise<void>;
  /** Release what the backend opened (never an injected client). */
  close(): Promise<void>;
}

/** Capability requirements a caller may insist on. */
export type CapabilityRequirements = Partial<{
  atomicCompareAndSet: boolean;
  crossProcess: boolean;
  nativeTtl: boolean;
  durability: Durability;
}>;

const DURABILITY_RANK: Record<Durability, number> = { memory: 0, os: 1, fsync: 2 };

/**
 * Fail `NOT_SUPPORTED` when a backend lacks what is required: never run silently weaker.
 *
 * @example
 * assertCapabilities(backend, { crossProcess: true }); // throws on the Keyv backend
 */
export function assertCapabilities(
  backend: Pick<MemoryBackend, "name" | "capabilities">,
  required: CapabilityRequirements,
): void {
  const caps = backend.capabilities;
  const missing: string[] = [];
  for (const flag of ["atomicCompareAndSet", "crossProcess", "nativeTtl"] as const) {
    if (required[flag] && !caps[flag]) missing.push(flag);
  }
  if (required.durability && DURABILITY_RANK[caps.durability] < DURABILITY_RANK[required.durability]) {
    missing.push(`durability ${required.durability} (it has ${caps.durability})`);
  }
  if (missing.length) {
    throw new NotSupportedError(`The ${backend.name} backend does not support: ${missing.join(", ")}.`, {
      backend: backend.name,
      missing,
      capabilities: { ...caps },
    });
  }
}

const DERIVED_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Check the name of derived data (it becomes a file name or a key part).
 *
 * @throws VALIDATION_FAILED when it is not 1–63 of `[a-z0-9-]` starting with a letter.
 */
export function checkDerivedName(name: unknown): string {
  if (typeof name !== "string" || !DERIVED_NAME.test(name)) {
    throw new ValidationError("name: derived data names are 1-63 of [a-z0-9-], starting with a letter", {
      issues: [{ path: "name", message: "invalid derived data name" }],
    });
  }
  return name;
}

const CONDITION_FIELD = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/**
 * Check a {@link RecordCondition}'s field and value (the scope and key are checked by the backend
 * like any other).
 *
 * @throws VALIDATION_FAILED
 */
export function checkCondition(condition: RecordCondition): RecordCondition {
  const fail = (path: string, message: string): never => {
    throw new ValidationError(`condition.${path}: ${message}`, {
      issues: [{ path: `condition.${path}`, message }],
    });
  };
  if (typeof condition !== "object" || condition === null) fail("(root)", "must be an object");
  if (typeof condition.field !== "string" || !CONDITION_FIELD.test(condition.field)) {
    fail("field", "must be 1-64 of [A-Za-z0-9_], starting with a letter");
  }
  if (FORBIDDEN_KEYS.has(condition.field)) fail("field", "is a reserved name");
  if (typeof condition.equals !== "string" || condition.equals.length > 256) {
    fail("equals", "must be a string of at most 256 characters");
  }
  return condition;
}

/** Whether a record meets a condition's field test (existence and expiry are the caller's). */
export function conditionHolds(condition: RecordCondition, record: StoredRecord | null): boolean {
  if (record === null) return false;
  const value = record.value;
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.hasOwn(value, condition.field) &&
    (value as Record<string, unknown>)[condition.field] === condition.equals
  );
}

/**
 * `appendIf` on any backend: the backend's own when it has one, else a read of the record and then
 * the append (two round trips, not atomic).
 *
 * @example
 * const r = await appendWhen(backend, { scope: sessionsScope(ns), key: id, field: "status", equals: "active" },
 *   messagesScope(ns, id), [{ value: message }]);
 */
export async function appendWhen(
  backend: MemoryBackend,
  condition: RecordCondition,
  scope: Scope,
  items: readonly LogItem[],
): Promise<ConditionalAppend> {
  if (typeof backend.appendIf === "function") return backend.appendIf(condition, scope, items);
  checkCondition(condition);
  const record = await backend.get(condition.scope, condition.key);
  if (!conditionHolds(condition, record)) return { ok: false, record };
  return { ok: true, entries: await backend.append(scope, items) };
}
