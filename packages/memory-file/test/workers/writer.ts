/**
 * Child process for the multi-process tests. Argument: JSON task. Modes:
 * - `append`: `count` single appends to one log; prints `{ seqs }`.
 * - `meta`: `count` metadata updates of one group with ifVersion and retry; prints `{ conflicts }`.
 * - `forever`: appends keyed batches until killed, printing `ack <batch> <seq> <seq>…` after each acknowledged one.
 * - `die-holding-lock`: takes a log's lock and kills itself with SIGKILL while holding it.
 * - `repair`: prints `start`, runs `repair()` and prints its result (killed in the middle by the crash test).
 * - `trim`: prints `start`, trims the shared log before `beforeSeq` and prints `{ removed }` (killed in
 *   the middle by the crash test); with `count`, trims `count` times to 5 entries short of its length,
 *   and prints `{ removed, points }` (the trim points it used).
 * - `records`: runs `ops` (get, list, put, delete on one collection) in order, `repeat` times;
 *   prints `{ results }`,
 *   each `{ value, version }`, `{ keys }`, `{ ok }` or `{ code, line }` for an error.
 */
import { join } from "node:path";
import { hasErrorCode, type SessionGroup } from "@tta-dev/core";
import { createFileBackend } from "../../src/index.js";
import { createLockManager } from "../../src/lock/lock.js";
import { runMain } from "./run-main.js";

interface RecordOp {
  op: "get" | "list" | "put" | "delete";
  collection: string;
  key?: string;
  value?: unknown;
  ifVersion?: number;
}

interface Task {
  mode: "append" | "meta" | "forever" | "die-holding-lock" | "records" | "repair" | "trim";
  ops?: RecordOp[];
  root: string;
  namespace: string;
  id: number;
  count: number;
  durability?: "os" | "fsync";
  lockPath?: string;
  /** `records`: run `ops` this many times (default 1); a put's object value gains `round`. */
  repeat?: number;
  /** `trim`: the trim point of a single trim. */
  beforeSeq?: number;
}

const task = JSON.parse(process.argv[2] ?? "{}") as Task;

async function main(): Promise<void> {
  if (task.mode === "die-holding-lock") {
    const locks = createLockManager({
      ownersDir: join(task.root, "locks"),
      staleMs: 60_000,
      timeoutMs: 5_000,
    });
    locks.withLockSync(task.lockPath!, () => {
      process.stdout.write("holding\n");
      process.kill(process.pid, "SIGKILL");
    });
    return;
  }
  const backend = createFileBackend({ root: task.root, durability: task.durability ?? "os" });
  if (task.mode === "repair") {
    process.stdout.write("start\n");
    const r = await backend.repair();
    process.stdout.write(`${JSON.stringify(r)}\n`);
    await backend.close();
    return;
  }
  if (task.mode === "records") {
    const results: unknown[] = [];
    const rounds = task.repeat ?? 1;
    const ops = Array.from({ length: rounds }, (_, round) =>
      (task.ops ?? []).map((o) =>
        rounds > 1 && o.op === "put" ? { ...o, value: { ...(o.value as object), round } } : o,
      ),
    ).flat();
    for (const o of ops) {
      const scope = { namespace: task.namespace, collection: o.collection };
      try {
        if (o.op === "get") {
          const r = await backend.get(scope, o.key!);
          results.push(r && { value: r.value, version: r.version });
        } else if (o.op === "list")
          results.push({ keys: (await backend.list(scope)).items.map((r) => r.key) });
        else if (o.op === "put") {
          const r = await backend.put(scope, o.key!, o.value, { ifVersion: o.ifVersion });
          results.push({ value: r.value, version: r.version });
        } else results.push({ ok: await backend.delete(scope, o.key!, { ifVersion: o.ifVersion }) });
      } catch (e) {
        const err = e as { code?: string; details?: { line?: number } };
        results.push({ code: err.code ?? "THROWN", line: err.details?.line });
      }
    }
    process.stdout.write(`${JSON.stringify({ results })}\n`);
    await backend.close();
    return;
  }
  const log = { namespace: task.namespace, collection: "messages", partition: "shared-2026-01-01" };
  if (task.mode === "trim") {
    process.stdout.write("start\n");
    if (task.beforeSeq !== undefined) {
      process.stdout.write(`${JSON.stringify({ removed: await backend.trimLog(log, task.beforeSeq) })}\n`);
    } else {
      let removed = 0;
      const points: number[] = [];
      for (let i = 0; i < task.count; i++) {
        const point = Math.max(1, (await backend.logLength(log)) - 5);
        removed += await backend.trimLog(log, point);
        points.push(point);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      process.stdout.write(`${JSON.stringify({ removed, points })}\n`);
    }
  } else if (task.mode === "append") {
    const seqs: number[] = [];
    for (let i = 0; i < task.count; i++) {
      const [e] = await backend.append(log, [{ value: { child: task.id, i } }]);
      seqs.push(e!.seq);
    }
    process.stdout.write(`${JSON.stringify({ seqs })}\n`);
  } else if (task.mode === "meta") {
    const groups = { namespace: task.namespace, collection: "groups" };
    let conflicts = 0;
    for (let i = 0; i < task.count; i++) {
      for (;;) {
        const rec = await backend.get(groups, "shared");
        const g = rec!.value as SessionGroup;
        const next = { ...g, metadata: { ...g.metadata, [`c${task.id}-${i}`]: i }, version: g.version + 1 };
        try {
          await backend.put(groups, "shared", next, { ifVersion: rec!.version });
          break;
        } catch (e) {
          if (!hasErrorCode(e, "VERSION_CONFLICT")) throw e;
          conflicts++;
        }
      }
    }
    process.stdout.write(`${JSON.stringify({ conflicts })}\n`);
  } else {
    const pad = "x".repeat(2000);
    for (let i = 0; ; i++) {
      // Every tenth batch is large (about 600 KB), so that some kills land in the middle of a write.
      const n = i % 10 === 9 ? 300 : 1 + (i % 4);
      const entries = await backend.append(
        log,
        Array.from({ length: n }, (_, j) => ({
          value: { run: task.id, i, j, pad },
          idempotencyKey: `${task.id}-${i}-${j}`,
        })),
      );
      process.stdout.write(`ack ${i} ${entries.map((e) => e.seq).join(" ")}\n`);
    }
  }
  await backend.close();
}

runMain(main);
