import { createHash } from "node:crypto";
import { BackendUnavailableError, isTtaError, ValidationError } from "@tta-dev/core";
import { Keyv, type KeyvStoreAdapter } from "keyv";
import { deserializeForKeyv, serializeForKeyv } from "./wire-format.js";

/** One value to write: `ttlMs` is handed to Keyv so a store that expires natively reclaims it. */
export interface StoreEntry {
  key: string;
  value: string;
  ttlMs?: number;
}

/** Where to find the data: an existing Keyv, a bare store adapter, or neither (Keyv's own Map). */
export interface StoreSource {
  keyv?: Keyv;
  store?: KeyvStoreAdapter | Map<unknown, unknown>;
  /** Keyv namespace when the backend builds the Keyv itself (ignored with `keyv`). */
  namespace?: string;
  /** Whether the store's `setMany` is all-or-nothing; default: known for Map, Redis and PostgreSQL. */
  atomicSetMany?: boolean;
}

/**
 * Stores whose `setMany` is one all-or-nothing operation: Keyv's Map (synchronous, in process),
 * `@keyv/redis` (MULTI/EXEC; one scope's keys share a hash tag, so one slot in a cluster) and
 * `@keyv/postgres` (one INSERT … SELECT FROM UNNEST statement).
 */
function knownAtomicSetMany(store: unknown): boolean {
  if (store instanceof Map) return true;
  const dialect = (store as { opts?: { dialect?: unknown } } | undefined)?.opts?.dialect;
  return dialect === "redis" || dialect === "postgres";
}

/**
 * The single place where the backend touches Keyv. Every call is bounded in time and turns any
 * driver failure into `BACKEND_UNAVAILABLE`; TTA errors raised inside pass through untouched.
 */
export interface StoreGateway {
  /** The Keyv handle in use (configured to throw store errors). */
  readonly keyv: Keyv;
  get(key: string): Promise<unknown>;
  getMany(keys: readonly string[]): Promise<unknown[]>;
  setMany(entries: readonly StoreEntry[]): Promise<void>;
  /**
   * Write groups in order, each group only after the one before it. When the store's `setMany` is
   * all-or-nothing, all groups go in one call (one round trip, one commit).
   */
  writeInOrder(groups: readonly (readonly StoreEntry[])[]): Promise<void>;
  /** True when one `setMany` is all-or-nothing on this store. */
  readonly atomicSetMany: boolean;
  deleteMany(keys: readonly string[]): Promise<void>;
  /** Run any other driver call under the same error and time rules. */
  call<T>(op: string, fn: () => Promise<T>): Promise<T>;
}

/** Options of {@link createStoreGateway}. */
export interface StoreGatewayOptions extends StoreSource {
  /** Fail a store call that has not answered after this many milliseconds. */
  timeoutMs: number;
  /** Longest key (Keyv namespace prefix included) sent to the store; longer keys are hashed. */
  maxKeyLength: number;
}

const HASH_MARK = "~";
const HASH_LENGTH = 64;

/**
 * Keyv swallows store errors unless asked not to (an outage would read as "not found"), so the
 * backend talks through its own handle over the same store with `throwOnErrors`, keeping the
 * caller's namespace and key prefixing but its own wire format (see `serializeForKeyv`); a default
 * TTL of the caller's Keyv is not inherited. Some adapters also swallow errors and only emit them,
 * so an `error` event during a call fails that call too.
 */
function openHandle(source: StoreSource): Keyv {
  const wire = { serialize: serializeForKeyv, deserialize: deserializeForKeyv, throwOnErrors: true };
  if (source.keyv) {
    const k = source.keyv;
    return new Keyv(k.store, { ...wire, namespace: k.namespace, useKeyPrefix: k.useKeyPrefix });
  }
  const options = { ...wire, namespace: source.namespace ?? "keyv" };
  return source.store ? new Keyv(source.store, options) : new Keyv(options);
}

/**
 * Create the gateway over a Keyv or a store.
 *
 * @example
 * const gateway = createStoreGateway({ store: new Map(), timeoutMs: 5000, maxKeyLength: 255 });
 * await gateway.setMany([{ key: "tta:{acme}:notes:r:a", value: "{}" }]);
 */
export function createStoreGateway(options: StoreGatewayOptions): StoreGateway {
  const keyv = openHandle(options);
  const atomicSetMany = options.atomicSetMany ?? knownAtomicSetMany(keyv.store);
  let errorCount = 0;
  let lastError: unknown;
  keyv.on("error", (error: unknown) => {
    errorCount += 1;
    lastError = error;
  });

  const prefixLength = keyv.useKeyPrefix && keyv.namespace ? keyv.namespace.length + 1 : 0;
  const budget = options.maxKeyLength - prefixLength;
  if (budget < HASH_LENGTH + 16) {
    throw new ValidationError("maxKeyLength: too short for this Keyv namespace", {
      issues: [{ path: "maxKeyLength", message: `must leave at least ${HASH_LENGTH + 16} characters` }],
    });
  }

  /** Keys over the store's limit keep a readable prefix and end in a hash of the whole key. */
  function physical(key: string): string {
    if (key.length <= budget) return key;
    const digest = createHash("sha256").update(key).digest("hex");
    return `${key.slice(0, budget - HASH_LENGTH - HASH_MARK.length)}${HASH_MARK}${digest}`;
  }

  /*
   * Keyv's single-key calls (get, set, setMany, delete) leave a key that already starts with
   * "<namespace>:" unprefixed, while its batch reads (getMany, deleteMany) always prefix. tta's keys
   * all start with "tta:", so under the Keyv namespace "tta" the two would name different rows and a
   * batch read would miss what a single write stored. Handing the single-key calls the prefixed key
   * makes both name "<namespace>:<key>", whatever the namespace.
   */
  const ownPrefix = keyv.useKeyPrefix && keyv.namespace ? `${keyv.namespace}:` : "";
  function single(key: string): string {
    return ownPrefix && key.startsWith(ownPrefix) ? ownPrefix + key : key;
  }

  function unavailable(op: string, cause: unknown): BackendUnavailableError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new BackendUnavailableError(
      `The Keyv store failed during ${op}: ${reason}`,
      { backend: "keyv", op },
      { cause },
    );
  }

  async function call<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const before = errorCount;
    let timer: NodeJS.Timeout | undefined;
    try {
      const work = fn();
      // The losing side of the race must not surface later as an unhandled rejection.
      work.catch(() => undefined);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${options.timeoutMs} ms`)),
          options.timeoutMs,
        );
      });
      const result = await Promise.race([work, timeout]);
      if (errorCount !== before) throw unavailable(op, lastError);
      return result;
    } catch (error) {
      if (isTtaError(error)) throw error;
      throw unavailable(op, error);
    } finally {
      clearTimeout(timer);
    }
  }

  const gateway: StoreGateway = {
    keyv,
    atomicSetMany,
    get: (key) => call("get", () => keyv.get(single(physical(key)))),
    async getMany(keys) {
      if (keys.length === 0) return [];
      return call("getMany", () => keyv.getMany(keys.map(physical)));
    },
    async writeInOrder(groups) {
      if (atomicSetMany) return gateway.setMany(groups.flat());
      for (const group of groups) await gateway.setMany(group);
    },
    async setMany(entries) {
      if (entries.length === 0) return;
      const mapped = entries.map((e) => ({ key: single(physical(e.key)), value: e.value, ttl: e.ttlMs }));
      const results = await call("set", () =>
        mapped.length === 1
          ? keyv.set(mapped[0]!.key, mapped[0]!.value, mapped[0]!.ttl).then((ok) => [ok])
          : keyv.setMany(mapped),
      );
      if (Array.isArray(results) && results.some((ok) => ok === false)) {
        throw unavailable("set", new Error("the store refused the write"));
      }
    },
    async deleteMany(keys) {
      if (keys.length === 0) return;
      const mapped = keys.map(physical);
      await call("delete", () =>
        mapped.length === 1 ? keyv.delete(single(mapped[0]!)) : keyv.deleteMany(mapped),
      );
    },
    call,
  };
  return gateway;
}
