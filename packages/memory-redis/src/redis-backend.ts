import {
  type AppendedEntry,
  type BackendCapabilities,
  type BatchRead,
  type BatchResult,
  type Clock,
  checkBackendOptions,
  checkBatchReads,
  checkCondition,
  checkDerivedName,
  checkNamespace,
  conditionHolds,
  encodeSegment,
  type Issue,
  type LogItem,
  type MemoryBackend,
  OptionRule,
  type OptionRules,
  type PutOptions,
  type RawKeyListing,
  type Scope,
  serializeValue,
  systemClock,
  ValidationError,
  VersionConflictError,
  validateAppend,
  validateIfVersion,
  validateKey,
  validateTrimSeq,
  validateTtl,
} from "@tta-dev/core";
import { runAlone, runPipelined } from "./batch.js";
import { decodeEntry, decodeRecord, encodeEntry, expectShape } from "./codec.js";
import { type ConnectionOptions, createConnection, type RedisClient } from "./connection.js";
import { derivedKey, recordKey, type ScopeKeys, scopeKeys } from "./keys.js";
import { getManyOp, getOp, listOp, logLengthOp, type ReadOp, readLogOp } from "./read-ops.js";
import { scanKeys } from "./scan.js";
import { keySlot } from "./slot.js";

/** Options of {@link createRedisBackend}. */
export interface RedisBackendOptions extends ConnectionOptions {
  /** First part of every key; `[A-Za-z0-9_.-]{1,64}`, default `tta`. */
  keyPrefix?: string;
  /** Time source for `expiresAt` and expiry checks; default the system clock. */
  clock?: Clock;
}

/** The Redis backend: the storage port plus what tests and tools need to look underneath. */
export interface RedisBackend extends MemoryBackend, RawKeyListing {
  /** The ioredis client (owned or injected). */
  readonly client: RedisClient;
  /** The key prefix in use. */
  readonly keyPrefix: string;
  /** Every physical key of a namespace (SCAN on every master), sorted. */
  rawKeys(namespace: string): Promise<string[]>;
  /** Remove a log's entries before `beforeSeq`: LTRIM and the trimmed count in one script. */
  trimLog(scope: Scope, beforeSeq: number): Promise<number>;
}

const CAPABILITIES: BackendCapabilities = Object.freeze({
  atomicCompareAndSet: true,
  crossProcess: true,
  nativeTtl: true,
  durability: "os",
});

/**
 * The entry as stored. `value` is the stored JSON parsed back (a copy, never the caller's object),
 * parsed on first read: callers that only need the seqs do not pay for it.
 */
function storedEntry(seq: number, json: string, idempotencyKey: string | undefined): AppendedEntry {
  let value: unknown;
  let parsed = false;
  const entry = { seq } as AppendedEntry;
  Object.defineProperty(entry, "value", {
    enumerable: true,
    configurable: true,
    get() {
      if (!parsed) {
        value = JSON.parse(json);
        parsed = true;
      }
      return value;
    },
  });
  if (idempotencyKey !== undefined) entry.idempotencyKey = idempotencyKey;
  entry.duplicate = false;
  return entry;
}

/** The script arguments of an append, and each item's serialised value. */
function appendArgs(items: readonly LogItem[]): { args: string[]; prepared: string[] } {
  const args: string[] = [String(items.length)];
  const prepared = validateAppend(items).map((item) => {
    args.push(item.idempotencyKey ?? "", encodeEntry(item.json, item.idempotencyKey));
    return item.json;
  });
  return { args, prepared };
}

/** Map the append script's reply `{seqs, earlier entries of duplicates}` to the port's entries. */
function appended(
  items: readonly LogItem[],
  prepared: string[],
  reply: unknown,
  log: string,
): AppendedEntry[] {
  const [seqs, olds] = (Array.isArray(reply) ? reply : []) as [number[], string[]];
  expectShape(
    Array.isArray(seqs) && seqs.length === items.length && Array.isArray(olds),
    log,
    "append reply",
  );
  const out: AppendedEntry[] = [];
  const byKey = new Map<string, AppendedEntry>();
  let old = 0;
  items.forEach((item, i) => {
    const s = seqs[i]!;
    const k = item.idempotencyKey;
    if (s > 0) {
      const entry = storedEntry(s, prepared[i]!, k);
      if (k !== undefined) byKey.set(k, entry);
      out.push(entry);
    } else if (k !== undefined && byKey.has(k) && byKey.get(k)!.seq === -s) {
      out.push({ ...byKey.get(k)!, duplicate: true });
    } else {
      const stored = decodeEntry(olds[old++], -s, log);
      expectShape(stored.idempotencyKey === k, `${log}#${-s}`, "idempotency key mismatch");
      const entry: AppendedEntry = { ...stored, duplicate: true };
      if (k !== undefined) byKey.set(k, { ...entry });
      out.push(entry);
    }
  });
  return out;
}

const RULES: OptionRules<RedisBackendOptions> = {
  keyPrefix: OptionRule.string(/^[A-Za-z0-9_.-]{1,64}$/, "[A-Za-z0-9_.-]{1,64}"),
  clock: OptionRule.clock(),
  url: OptionRule.string(),
  redis: OptionRule.object("an ioredis Redis or Cluster"),
  options: OptionRule.object("ioredis options"),
  cluster: OptionRule.object("{ nodes, options? }"),
  commandTimeoutMs: OptionRule.integer(1, 600_000),
};

/** Exactly one place the connection comes from (`url` may carry `options` along). */
function oneSource(o: RedisBackendOptions): Issue[] {
  const sources = [o.url, o.redis, o.options, o.cluster].filter((x) => x !== undefined).length;
  if (sources > 1 && !(sources === 2 && o.url && o.options)) {
    return [
      { path: "(root)", message: "give one of url (optionally with options), redis, options or cluster" },
    ];
  }
  return [];
}

/**
 * A `MemoryBackend` on Redis or Redis Cluster (ioredis). Every multi-key operation stays inside one
 * scope's `{hash tag}`, hence one slot; writes are single Lua scripts (one round trip each).
 *
 * @example
 * const backend = createRedisBackend({ url: "redis://127.0.0.1:6379" });
 * await backend.append({ namespace: "default", collection: "messages", partition: "s1" }, [{ value: "hi" }]);
 * await backend.close();
 */
export function createRedisBackend(options: RedisBackendOptions = {}): RedisBackend {
  checkBackendOptions("redis", options, RULES, oneSource);
  const root = options.keyPrefix ?? "tta";
  const clock = options.clock ?? systemClock;
  const now = (): number => clock.now();
  const conn = createConnection(options);

  function runOp<T>(op: ReadOp<T>): Promise<T> {
    if (op.routeKey === null) return Promise.resolve(op.decode(undefined));
    return conn.run(op.operation, op.place, (c) => runAlone(c, op));
  }

  function readOpOf(r: BatchRead): ReadOp<unknown> {
    switch (r.op) {
      case "get":
        return getOp(root, r.scope, r.key, now);
      case "getMany":
        return getManyOp(root, r.scope, r.keys, now);
      case "list":
        return listOp(root, r.scope, r.options, now);
      case "readLog":
        return readLogOp(root, r.scope, r.options);
      case "logLength":
        return logLengthOp(root, r.scope);
    }
  }

  /** The append script on a scope's keys, its reply mapped to the port's entries. */
  async function runAppend(
    sk: ScopeKeys,
    items: readonly LogItem[],
    { args, prepared }: { args: string[]; prepared: string[] },
  ): Promise<AppendedEntry[]> {
    const reply = await conn.run("append", sk.log, (c) =>
      c.ttaAppend(sk.log, sk.idempotency, sk.trimmed, ...args),
    );
    return appended(items, prepared, reply, sk.log);
  }

  const backend: RedisBackend = {
    name: "redis",
    capabilities: CAPABILITIES,
    client: conn.client,
    keyPrefix: root,

    // async: validation errors reject the promise instead of throwing synchronously.
    get: async (scope, key) => runOp(getOp(root, scope, key, now)),
    getMany: async (scope, keys) => runOp(getManyOp(root, scope, keys, now)),
    list: async (scope, opts) => runOp(listOp(root, scope, opts, now)),
    readLog: async (scope, opts) => runOp(readLogOp(root, scope, opts)),
    logLength: async (scope) => runOp(logLengthOp(root, scope)),

    async put(scope: Scope, key: string, value: unknown, opts: PutOptions = {}) {
      const sk = scopeKeys(scope, root);
      validateKey(key);
      validateIfVersion(opts.ifVersion);
      validateTtl(opts.ttlMs);
      const json = serializeValue(value);
      const rk = recordKey(sk, key);
      const at = now();
      const expiresAt = opts.ttlMs === undefined ? null : at + opts.ttlMs;
      const [ok, version] = await conn.run("put", rk, (c) =>
        c.ttaPut(
          rk,
          sk.index,
          at,
          encodeSegment(key),
          json,
          opts.ifVersion ?? "",
          opts.ttlMs ?? "",
          expiresAt ?? "",
        ),
      );
      if (ok !== 1) throw new VersionConflictError(`Record "${key}"`, opts.ifVersion!, version);
      return { key, value: JSON.parse(json), version, expiresAt };
    },

    async delete(scope, key, opts = {}) {
      const sk = scopeKeys(scope, root);
      validateKey(key);
      validateIfVersion(opts.ifVersion);
      const rk = recordKey(sk, key);
      const [ok, current] = await conn.run("delete", rk, (c) =>
        c.ttaDelete(rk, sk.index, now(), encodeSegment(key), opts.ifVersion ?? ""),
      );
      if (ok !== 1) throw new VersionConflictError(`Record "${key}"`, opts.ifVersion!, current);
      return current > 0;
    },

    async clear(scope) {
      const sk = scopeKeys(scope, root);
      return conn.run("clear", sk.index, (c) => c.ttaClear(sk.index, now(), sk.recordBase));
    },

    async append(scope, items) {
      const sk = scopeKeys(scope, root);
      return runAppend(sk, items, appendArgs(items));
    },

    async appendIf(condition, scope, items) {
      checkCondition(condition);
      const ck = scopeKeys(condition.scope, root);
      validateKey(condition.key, "condition.key");
      const sk = scopeKeys(scope, root);
      const { args, prepared } = appendArgs(items);
      const rk = recordKey(ck, condition.key);
      if (conn.client.isCluster && keySlot(rk) !== keySlot(sk.log)) {
        // Different slots (a session's record and its messages): a script cannot see both, so read,
        // then append — two round trips, and a status change in between is not seen.
        const record = await backend.get(condition.scope, condition.key);
        if (!conditionHolds(condition, record)) return { ok: false, record };
        return { ok: true, entries: await runAppend(sk, items, { args, prepared }) };
      }
      const at = now();
      const reply = await conn.run("appendIf", sk.log, (c) =>
        c.ttaAppendIf(rk, sk.log, sk.idempotency, sk.trimmed, at, condition.field, condition.equals, ...args),
      );
      expectShape(Array.isArray(reply) && (reply[0] === 0 || reply[0] === 1), sk.log, "appendIf reply");
      if (reply[0] === 1) return { ok: true, entries: appended(items, prepared, reply[1], sk.log) };
      const record = reply[1] === null ? null : decodeRecord(reply[1], condition.key, at, rk);
      if (conditionHolds(condition, record)) {
        // The script could not decode the value (deeper than its JSON decoder goes): append as a
        // second step rather than refuse a record that meets the condition.
        return { ok: true, entries: await runAppend(sk, items, { args, prepared }) };
      }
      return { ok: false, record };
    },

    async deleteLog(scope) {
      const sk = scopeKeys(scope, root);
      const removed = await conn.run("deleteLog", sk.log, (c) => c.del(sk.log, sk.idempotency, sk.trimmed));
      return removed > 0;
    },

    async trimLog(scope, beforeSeq) {
      const sk = scopeKeys(scope, root);
      const before = validateTrimSeq(beforeSeq);
      const removed = await conn.run("trimLog", sk.log, (c) =>
        c.ttaTrimLog(sk.log, sk.idempotency, sk.trimmed, before),
      );
      expectShape(Number.isSafeInteger(removed) && removed >= 0, sk.log, "trimLog reply");
      return removed;
    },

    async batch(reads) {
      checkBatchReads(reads);
      const ops = reads.map(readOpOf);
      if (ops.length === 0) return [];
      return conn.run("batch", "batch", (c) => runPipelined(c, ops)) as Promise<BatchResult[]>;
    },

    async ping() {
      await conn.run("ping", "server", (c) => c.ping());
    },

    async readDerived(namespace, name) {
      const key = derivedKey(root, checkNamespace(namespace), checkDerivedName(name));
      return conn.run("readDerived", namespace, (c) => c.getBuffer(key));
    },

    async writeDerived(namespace, name, bytes) {
      const key = derivedKey(root, checkNamespace(namespace), checkDerivedName(name));
      if (!(bytes instanceof Uint8Array)) {
        throw new ValidationError("bytes: must be a Uint8Array", {
          issues: [{ path: "bytes", message: "not bytes" }],
        });
      }
      const value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      await conn.run("writeDerived", namespace, (c) => c.set(key, value));
    },

    close: () => conn.close(),

    rawKeys: async (namespace) =>
      conn.run("rawKeys", namespace, (c) => scanKeys(c, root, encodeSegment(namespace))),
  };
  return backend;
}
