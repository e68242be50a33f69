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
import { recordKey, scopeKeys } from "./keys.js";

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
    decode: (raw) => (raw === null ? null : decodeRecord(raw, key, now(), k)),
  };
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

/** A range of a log by LRANGE index math (seq n is at index n - 1), in one script call. */
export function readLogOp(root: string, scope: Scope, options?: ReadLogOptions): ReadOp<LogEntry[]> {
  const sk = scopeKeys(scope, root);
  const { afterSeq, beforeSeq, limit, fromEnd } = normalizeReadLogOptions(options);
  return {
    operation: "readLog",
    place: sk.log,
    routeKey: sk.log,
    send: (t) => t.ttaReadLog(sk.log, afterSeq, beforeSeq, limit, fromEnd ? 1 : 0),
    decode: (reply) => {
      expectShape(Array.isArray(reply) && typeof reply[0] === "number", sk.log, "readLog script reply");
      const [start, ...raw] = reply as [number, ...string[]];
      return raw.map((r, i) => decodeEntry(r, start + i + 1, sk.log));
    },
  };
}

/** LLEN of a log: the last assigned seq. */
export function logLengthOp(root: string, scope: Scope): ReadOp<number> {
  const sk = scopeKeys(scope, root);
  return {
    operation: "logLength",
    place: sk.log,
    routeKey: sk.log,
    send: (t) => t.llen(sk.log),
    decode: (reply) => {
      expectShape(Number.isSafeInteger(reply) && (reply as number) >= 0, sk.log, "LLEN reply");
      return reply as number;
    },
  };
}
