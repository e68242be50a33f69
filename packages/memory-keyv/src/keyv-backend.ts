import {
  type BackendCapabilities,
  BackendUnavailableError,
  type BatchResult,
  type Clock,
  checkBackendOptions,
  checkBatchReads,
  type Durability,
  type MemoryBackend,
  normalizeListOptions,
  OptionRule,
  type OptionRules,
  type RawKeyListing,
  type Scope,
  scopePrefix,
  serializeValue,
  systemClock,
  validateIfVersion,
  validateKey,
  validateScope,
  validateTrimSeq,
  validateTtl,
} from "@tta-dev/core";
import type { Keyv, KeyvStoreAdapter } from "keyv";
import { createKeyIndex } from "./key-index.js";
import { createLogStore } from "./log-store.js";
import { listNamespaceKeys } from "./raw-keys.js";
import { createRecordStore } from "./record-store.js";
import { createStoreGateway } from "./store-gateway.js";
import { createWriteQueue, type WriteQueue } from "./write-queue.js";

/** Options of {@link createKeyvBackend}. */
export interface KeyvBackendOptions {
  /** A Keyv to keep the data in; its store, namespace and key prefixing are used (not its serializer). */
  keyv?: Keyv;
  /** A bare Keyv store adapter (e.g. `new KeyvRedis(url)`), used when `keyv` is not given. */
  store?: KeyvStoreAdapter | Map<unknown, unknown>;
  /** Keyv namespace when the backend builds the Keyv itself (default `keyv`). */
  namespace?: string;
  /** Time source for expiry; inject a manual clock in tests. */
  clock?: Clock;
  /** What an acknowledged write survives; default `memory` for Keyv's Map, else `os`. */
  durability?: Durability;
  /**
   * Whether one Keyv `setMany` is all-or-nothing on this store, so that dependent writes (index page
   * and record, log entries and length) may share one call. Default: true for Keyv's Map,
   * `@keyv/redis` and `@keyv/postgres`; false otherwise, which writes them one after another.
   */
  atomicSetMany?: boolean;
  /** Also hand TTLs to Keyv so the store reclaims expired data; default: only with the system clock. */
  storeTtl?: boolean;
  /** A store call not answered within this many milliseconds fails `BACKEND_UNAVAILABLE` (default 10 000). */
  timeoutMs?: number;
  /** Most keys per page of a collection's key index (default 256): bigger pages, fewer reads per list, larger rewrites per new key. */
  indexPageSize?: number;
  /** Longest store key; longer ones are shortened with a hash (default 255, the SQL adapters' key size). */
  maxKeyLength?: number;
}

/** The Keyv backend, with the raw key listing the conformance suite uses. */
export interface KeyvBackend extends MemoryBackend, RawKeyListing {
  /** The Keyv handle the backend talks through. */
  readonly keyv: Keyv;
  /** Every store key of one tta namespace, live or expired, as the backend wrote it, sorted. */
  rawKeys(namespace: string): Promise<string[]>;
  /** Remove a log's entries before `beforeSeq`, inside the log's queue: the trim point first, then the keys. */
  trimLog(scope: Scope, beforeSeq: number): Promise<number>;
}

/**
 * One write queue per store object in this process, so that two backend objects over the same
 * store (say, two Keyv instances sharing one adapter) still serialise their writes against each other.
 */
const queues = new WeakMap<object, WriteQueue>();

function queueFor(store: object): WriteQueue {
  let queue = queues.get(store);
  if (!queue) {
    queue = createWriteQueue();
    queues.set(store, queue);
  }
  return queue;
}

const RULES: OptionRules<KeyvBackendOptions> = {
  keyv: OptionRule.object("a Keyv"),
  store: OptionRule.object("a Keyv store adapter or a Map"),
  namespace: OptionRule.string(),
  clock: OptionRule.clock(),
  durability: OptionRule.oneOf(["fsync", "os", "memory"]),
  atomicSetMany: OptionRule.boolean(),
  storeTtl: OptionRule.boolean(),
  timeoutMs: OptionRule.integer(1),
  indexPageSize: OptionRule.integer(1),
  maxKeyLength: OptionRule.integer(1),
};

/**
 * A backend over any Keyv store (Map, Redis, PostgreSQL, MySQL, SQLite, Mongo…). Keyv has no
 * compare-and-set, so writes are serialised per scope inside this process: one process is correct,
 * several processes sharing the store are not (`crossProcess: false`, `atomicCompareAndSet: false`).
 * Lists and logs are emulated over plain keys; expiry is checked on read against the clock.
 *
 * @example
 * import KeyvRedis from "@keyv/redis";
 * import { Keyv } from "keyv";
 *
 * const keyv = new Keyv({ store: new KeyvRedis("redis://127.0.0.1:6379"), namespace: "tta" });
 * const backend = createKeyvBackend({ keyv });
 * const scope = { namespace: "acme", collection: "notes" };
 * await backend.put(scope, "a", { text: "hi" }, { ifVersion: 0 });
 * await backend.list(scope); // { items: [{ key: "a", value: { text: "hi" }, version: 1, … }], nextCursor: null }
 */
export function createKeyvBackend(options: KeyvBackendOptions = {}): KeyvBackend {
  checkBackendOptions("keyv", options, RULES);
  const clock = options.clock ?? systemClock;
  const storeTtl = options.storeTtl ?? clock === systemClock;
  const gateway = createStoreGateway({
    ...options,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxKeyLength: options.maxKeyLength ?? 255,
  });
  const keyv = gateway.keyv;
  const index = createKeyIndex(gateway, options.indexPageSize ?? 256);
  const records = createRecordStore({ gateway, index, clock, storeTtl });
  const logs = createLogStore(gateway);
  const queue = queueFor(keyv.store);
  let closed = false;

  const capabilities: BackendCapabilities = Object.freeze({
    atomicCompareAndSet: false,
    crossProcess: false,
    nativeTtl: false,
    durability: options.durability ?? (keyv.store instanceof Map ? "memory" : "os"),
  });

  function open(): void {
    if (closed) throw new BackendUnavailableError("The Keyv backend is closed.", { backend: "keyv" });
  }

  const recordLane = (scope: Scope) => scopePrefix(scope);
  const logLane = (scope: Scope) => `${scopePrefix(scope)}#log`;

  function writeLocked<T>(lane: string, task: () => Promise<T>): Promise<T> {
    open();
    return queue.run(lane, task);
  }

  const backend: KeyvBackend = {
    name: "keyv",
    capabilities,
    keyv,

    async get(scope, key) {
      open();
      validateScope(scope);
      validateKey(key);
      return records.get(scope, key);
    },

    async getMany(scope, keys) {
      open();
      validateScope(scope);
      for (const [i, k] of keys.entries()) validateKey(k, `keys.${i}`);
      return records.getMany(scope, keys);
    },

    async put(scope, key, value, opts = {}) {
      validateScope(scope);
      validateKey(key);
      validateIfVersion(opts.ifVersion);
      validateTtl(opts.ttlMs);
      const json = serializeValue(value);
      return writeLocked(recordLane(scope), () => records.put(scope, key, json, opts.ifVersion, opts.ttlMs));
    },

    async delete(scope, key, opts = {}) {
      validateScope(scope);
      validateKey(key);
      validateIfVersion(opts.ifVersion);
      return writeLocked(recordLane(scope), () => records.delete(scope, key, opts.ifVersion));
    },

    async list(scope, opts = {}) {
      validateScope(scope);
      const { prefix, cursor, limit } = normalizeListOptions(opts);
      return writeLocked(recordLane(scope), () => records.list(scope, prefix, cursor, limit));
    },

    async clear(scope) {
      validateScope(scope);
      return writeLocked(recordLane(scope), () => records.clear(scope));
    },

    async append(scope, items) {
      validateScope(scope);
      return writeLocked(logLane(scope), () => logs.append(scope, items));
    },

    async readLog(scope, opts) {
      validateScope(scope);
      return writeLocked(logLane(scope), () => logs.read(scope, opts));
    },

    async logLength(scope) {
      open();
      validateScope(scope);
      return logs.length(scope);
    },

    async trimLog(scope, beforeSeq) {
      validateScope(scope);
      const before = validateTrimSeq(beforeSeq);
      return writeLocked(logLane(scope), () => logs.trim(scope, before));
    },

    async deleteLog(scope) {
      validateScope(scope);
      return writeLocked(logLane(scope), () => logs.delete(scope));
    },

    async batch(reads) {
      open();
      checkBatchReads(reads);
      return Promise.all(
        reads.map((r): Promise<BatchResult> => {
          switch (r.op) {
            case "get":
              return backend.get(r.scope, r.key);
            case "getMany":
              return backend.getMany(r.scope, r.keys);
            case "list":
              return backend.list(r.scope, r.options);
            case "readLog":
              return backend.readLog(r.scope, r.options);
            default:
              return backend.logLength(r.scope);
          }
        }),
      );
    },

    async ping() {
      open();
      await gateway.get("tta:ping");
    },

    async close() {
      closed = true;
      await queue.drain();
    },

    async rawKeys(namespace) {
      return gateway.call("rawKeys", () => listNamespaceKeys(keyv, namespace));
    },
  };
  return backend;
}
