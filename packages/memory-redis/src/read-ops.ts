import {
  BackendCorruptError,
  decodeSegment,
  encodeSegment,
  type ListOptions,
  type LogEntry,
  normalizeListOptions,
  normalizeReadLogOptions,
  type ReadLogOptions,
  type RecordPage,
  type Scope,
  type StoredRecord,
  ValidationError,
  validateKey,
} from "@tta-dev/core";
import type { RedisCommander } from "ioredis";
import { decodeEntry, decodeRecord, expectShape } from "./codec.js";
import { recordKey, type ScopeKeys, scopeKeys } from "./keys.js";

/** A client or a pipeline: ops only queue commands on it (a pipeline's return value is ignored). */
export type Target = RedisCommander<{ type: "default" }>;

/**
 * One read as data: the key that routes it (its slot), how to send it and how to decode the reply.
 * The same op runs alone (one round trip) or inside a `batch` pipeline.
 */
export interface ReadOp<T> {
  operation: string;
  place: string;
  /** A key of the op's scope; `null` when the op needs no command at all. */
  routeKey: string | null;
  send(target: Target): Promise<unknown>;
  decode(reply: unknown): T;
  /**
   * The op as plain commands (no script) for a MULTI transaction, when it has that form: queue them
   * on a transaction, then decode their replies. Large replies come back far cheaper this way than
   * through a script, which copies every byte into Lua and out again.
   */
  tx?: { count: number; queue(target: Target): unknown[]; decode(replies: unknown[]): T };
}

/** The `tx` form of an op whose `send` is one plain command. */
function plainTx<T>(send: (t: Target) => unknown, decode: (reply: unknown) => T): ReadOp<T>["tx"] {
  return { count: 1, queue: (t) => [send(t)], decode: (replies) => decode(replies[0]) };
}

function place(root: string, scope: Scope): string {
  return `${root}:{${encodeSegment(scope.namespace)}${scope.partition === undefined ? "" : `:${encodeSegment(scope.partition)}`}}:${scope.collection}`;
}

/** GET of one record. */
export function getOp(
  root: string,
  scope: Scope,
  key: string,
  now: () => number,
): ReadOp<StoredRecord | null> {
  const sk = scopeKeys(scope, root);
  validateKey(key);
  const k = recordKey(sk, key);
  return {
    operation: "get",
    place: k,
    routeKey: k,
    send: (t) => t.get(k),
    decode,
    tx: plainTx((t) => t.get(k), decode),
  };
  function decode(raw: unknown): StoredRecord | null {
    return raw === null ? null : decodeRecord(raw, key, now(), k);
  }
}

/** Several records of one scope in one script call (they share a slot). */
export function getManyOp(
  root: string,
  scope: Scope,
  keys: readonly string[],
  now: () => number,
): ReadOp<(StoredRecord | null)[]> {
  const sk = scopeKeys(scope, root);
  if (!Array.isArray(keys)) {
    throw new ValidationError("keys: must be an array", {
      issues: [{ path: "keys", message: "must be an array" }],
    });
  }
  keys.forEach((key, i) => {
    validateKey(key, `keys.${i}`);
  });
  const redisKeys = keys.map((key) => recordKey(sk, key));
  return {
    operation: "getMany",
    place: place(root, scope),
    routeKey: redisKeys[0] ?? null,
    send: (t) => t.ttaGetMany(redisKeys.length, ...redisKeys),
    decode: (reply) => {
      if (redisKeys.length === 0) return [];
      expectShape(Array.isArray(reply) && reply.length === keys.length, place(root, scope), "getMany reply");
      const at = now();
      return (reply as unknown[]).map((raw, i) =>
        raw === null ? null : decodeRecord(raw, keys[i]!, at, redisKeys[i]!),
      );
    },
  };
}

/** A page of live records in encoded-key order, via the index ZSET (see the `ttaList` script). */
export function listOp(root: string, scope: Scope, options: ListOptions | undefined, now: () => number) {
  const sk = scopeKeys(scope, root);
  const { prefix, cursor, limit } = normalizeListOptions(options);
  const enc = encodeSegment(prefix);
  let min = prefix === "" ? "-" : `[${enc}`;
  if (cursor !== null && (prefix === "" || cursor >= enc)) min = `(${cursor}`;
  // Members are ASCII, so every member starting with `enc` sorts before `enc` + U+00FF (0xC3 0xBF).
  const max = prefix === "" ? "+" : `(${enc}\u00ff`;
  const at = now();
  const op: ReadOp<RecordPage> = {
    operation: "list",
    place: sk.index,
    routeKey: sk.index,
    send: (t) => t.ttaList(sk.index, at, sk.recordBase, min, max, limit + 1),
    decode: (reply) => {
      expectShape(Array.isArray(reply) && reply.length % 2 === 0, sk.index, "list script reply");
      const flat = reply as string[];
      const items: StoredRecord[] = [];
      let nextCursor: string | null = null;
      for (let i = 0; i < flat.length; i += 2) {
        if (items.length === limit) {
          nextCursor = flat[i - 2]!;
          break;
        }
        const member = flat[i]!;
        let key: string;
        try {
          key = decodeSegment(member);
        } catch (err) {
          throw new BackendCorruptError(
            `Corrupt data in Redis at ${sk.index}: member ${JSON.stringify(member)} is not an encoded key`,
            { place: sk.index },
            { cause: err },
          );
        }
        const record = decodeRecord(flat[i + 1], key, Number.NEGATIVE_INFINITY, sk.recordBase + member);
        items.push(record!);
      }
      return { items, nextCursor };
    },
  };
  return op;
}

/**
 * A range of a log. Seq n sits at list index n - 1 - t, where t is the count of entries `trimLog`
 * removed (the scope's `trim` key, absent: 0). The newest entries are LLEN + GET + LRANGE from the
 * end in one MULTI (atomic: no append or trim lands between them), which needs no index math; every
 * other range takes the `ttaReadLog` script, which reads the count and places the range.
 */
export function readLogOp(root: string, scope: Scope, options?: ReadLogOptions): ReadOp<LogEntry[]> {
  const sk = scopeKeys(scope, root);
  const { afterSeq, beforeSeq, limit, fromEnd } = normalizeReadLogOptions(options);
  const entries = (raw: unknown[], start: number) => raw.map((r, i) => decodeEntry(r, start + i + 1, sk.log));
  const range = (reply: unknown): unknown[] => {
    expectShape(Array.isArray(reply), sk.log, "LRANGE reply");
    return reply as unknown[];
  };
  const base = { operation: "readLog", place: sk.log, routeKey: sk.log };
  // An empty range needs no command at all.
  if (Math.min(afterSeq + limit, beforeSeq - 1) <= afterSeq && !fromEnd) {
    return { ...base, routeKey: null, send: async () => [], decode: () => [] };
  }
  const script: ReadOp<LogEntry[]> = {
    ...base,
    send: (t) => t.ttaReadLog(sk.log, sk.trimmed, afterSeq, beforeSeq, limit, fromEnd ? 1 : 0),
    decode: (reply) => {
      expectShape(Array.isArray(reply) && typeof reply[0] === "number", sk.log, "readLog script reply");
      const [start, ...raw] = reply as [number, ...string[]];
      return entries(raw, start);
    },
  };
  if (!fromEnd || beforeSeq !== Number.MAX_SAFE_INTEGER) return script;
  return {
    ...script,
    tx: {
      count: 3,
      queue: (t) => [t.llen(sk.log), t.get(sk.trimmed), t.lrange(sk.log, -limit, -1)],
      decode: ([length, trimmed, reply]) => {
        const raw = range(reply);
        const start = lengthOf(sk, length, trimmed) - raw.length;
        // The tail may reach back past afterSeq: keep only the entries after it.
        const skip = Math.max(0, afterSeq - start);
        return entries(raw.slice(skip), start + skip);
      },
    },
  };
}

/** The last assigned seq from the replies of LLEN and of GET of the trimmed count. */
function lengthOf(sk: ScopeKeys, length: unknown, trimmed: unknown): number {
  expectShape(Number.isSafeInteger(length) && (length as number) >= 0, sk.log, "LLEN reply");
  const t = trimmed === null ? 0 : Number(trimmed);
  expectShape(Number.isSafeInteger(t) && t >= 0, sk.trimmed, "trimmed count");
  return (length as number) + t;
}

/** The last assigned seq: LLEN plus the trimmed count. */
export function logLengthOp(root: string, scope: Scope): ReadOp<number> {
  const sk = scopeKeys(scope, root);
  return {
    operation: "logLength",
    place: sk.log,
    routeKey: sk.log,
    send: (t) => t.ttaLogLength(sk.log, sk.trimmed),
    decode(reply) {
      expectShape(Number.isSafeInteger(reply) && (reply as number) >= 0, sk.log, "logLength reply");
      return reply as number;
    },
    tx: {
      count: 2,
      queue: (t) => [t.llen(sk.log), t.get(sk.trimmed)],
      decode: ([length, trimmed]) => lengthOf(sk, length, trimmed),
    },
  };
}
