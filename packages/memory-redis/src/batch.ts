import type { Cluster } from "ioredis";
import type { RedisClient } from "./connection.js";
import { mapDriverError } from "./driver-errors.js";
import type { ReadOp, Target } from "./read-ops.js";
import { keySlot } from "./slot.js";

type Replies = [Error | null, unknown][];

/**
 * Send several read ops in as few round trips as possible: one on a single server; on a Cluster one
 * per master (ops grouped by the node serving their slot), all in parallel. A group whose ops all
 * have a plain form (`tx`: GET, LLEN, LRANGE) and may share a transaction (a single server, or one
 * slot) is one MULTI; any other group is one pipeline of each op's single command. The reads of
 * different scopes need no transaction; the MULTI is there because a log's newest entries are two
 * commands (LLEN + LRANGE) that must see the same log.
 */
export async function runPipelined(client: RedisClient, ops: readonly ReadOp<unknown>[]): Promise<unknown[]> {
  const results: unknown[] = new Array(ops.length);
  const groups = new Map<string, number[]>();
  const cluster = client.isCluster ? (client as Cluster) : null;
  ops.forEach((op, i) => {
    if (op.routeKey === null) {
      results[i] = op.decode(undefined);
      return;
    }
    let group = "main";
    if (cluster) {
      const slot = keySlot(op.routeKey);
      group = cluster.slots[slot]?.join(",") ?? `slot:${slot}`;
    }
    const list = groups.get(group);
    if (list) list.push(i);
    else groups.set(group, [i]);
  });
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const group = indexes.map((i) => ops[i]!);
      const decoded = transactional(cluster, group)
        ? await runTransaction(client, group)
        : await runPipeline(client, group);
      indexes.forEach((opIndex, j) => {
        results[opIndex] = decoded[j];
      });
    }),
  );
  return results;
}

/** One op alone: its single command, or a MULTI when its plain form is several commands. */
export async function runAlone<T>(client: RedisClient, op: ReadOp<T>): Promise<T> {
  if (op.routeKey === null) return op.decode(undefined);
  if (op.tx && op.tx.count > 1) return (await runTransaction(client, [op]))[0] as T;
  return op.decode(await op.send(client as unknown as Target));
}

/** Whether ops can share one MULTI: each has a plain form, and (on a Cluster) all share a slot. */
function transactional(cluster: Cluster | null, ops: readonly ReadOp<unknown>[]): boolean {
  if (!ops.every((op) => op.tx !== undefined)) return false;
  if (ops.length === 1 && ops[0]!.tx!.count === 1) return false;
  if (!cluster) return true;
  const slot = keySlot(ops[0]!.routeKey!);
  return ops.every((op) => keySlot(op.routeKey!) === slot);
}

/**
 * The ops' plain commands in one MULTI … EXEC. On a single server the commands go straight down the
 * connection, written in one synchronous run so that nothing else of this process comes between
 * MULTI and EXEC: that costs about what one command costs, where ioredis' `multi()` pipeline object
 * costs the client as much again. On a Cluster, ioredis' `multi()` routes the transaction to the slot.
 */
async function runTransaction(client: RedisClient, ops: readonly ReadOp<unknown>[]): Promise<unknown[]> {
  let replies: Replies;
  if (client.isCluster) {
    const multi = client.multi();
    for (const op of ops) op.tx!.queue(multi as unknown as Target);
    const result = await multi.exec();
    if (!result) throw new Error("Connection is closed: the transaction was aborted");
    replies = result as Replies;
  } else {
    const target = client as unknown as Target & { call(command: string): Promise<unknown> };
    const queued = [target.call("MULTI"), ...ops.flatMap((op) => op.tx!.queue(target))];
    const exec = target.call("EXEC");
    // Their replies are "OK" and "QUEUED"; a failure shows in EXEC's (EXECABORT, a lost connection).
    for (const p of queued) (p as Promise<unknown>).catch(noop);
    const result = await exec;
    if (!Array.isArray(result)) throw new Error("Connection is closed: the transaction was aborted");
    replies = result.map((reply): [Error | null, unknown] =>
      reply instanceof Error ? [reply, null] : [null, reply],
    );
  }
  let at = 0;
  return ops.map((op) => {
    const own = replies.slice(at, at + op.tx!.count);
    at += op.tx!.count;
    const failed = own.find(([err]) => err);
    if (failed || own.length < op.tx!.count) {
      throw mapDriverError(
        failed?.[0] ?? new Error("Connection is closed: no reply"),
        op.operation,
        op.place,
      );
    }
    return op.tx!.decode(own.map(([, reply]) => reply));
  });
}

function noop(): void {}

async function runPipeline(client: RedisClient, ops: readonly ReadOp<unknown>[]): Promise<unknown[]> {
  const pipeline = client.pipeline();
  for (const op of ops) void op.send(pipeline as unknown as Target);
  const replies = ((await pipeline.exec()) ?? []) as Replies;
  return ops.map((op, j) => {
    const [err, reply] = replies[j] ?? [new Error("Connection is closed: no reply"), null];
    if (err) throw mapDriverError(err, op.operation, op.place);
    return op.decode(reply);
  });
}
