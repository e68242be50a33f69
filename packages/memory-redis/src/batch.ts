import type { Cluster } from "ioredis";
import type { RedisClient } from "./connection.js";
import { mapDriverError } from "./driver-errors.js";
import type { ReadOp, Target } from "./read-ops.js";
import { keySlot } from "./slot.js";

/**
 * Send several read ops in as few round trips as possible: one pipeline on a single server; on a
 * Cluster one pipeline per master (ops grouped by the node serving their slot), all in parallel.
 * Never MULTI: the reads of different scopes need no transaction, and a Cluster cannot do one
 * across slots.
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
      const pipeline = client.pipeline();
      for (const i of indexes) void ops[i]!.send(pipeline as unknown as Target);
      const replies = (await pipeline.exec()) ?? [];
      indexes.forEach((opIndex, j) => {
        const op = ops[opIndex]!;
        const [err, reply] = replies[j] ?? [new Error("Connection is closed: no reply"), null];
        if (err) throw mapDriverError(err, op.operation, op.place);
        results[opIndex] = op.decode(reply);
      });
    }),
  );
  return results;
}
