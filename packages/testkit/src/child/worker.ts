/**
 * Child-process side of the conformance suite. Argument: JSON `{ module, namespace, appends,
 * increments, batch }`. Imports `module`, calls its `createBackend()`, appends to a shared log and
 * CAS-increments a shared counter, then prints one JSON line `{ seqs, attempts }` and exits.
 */
import { pathToFileURL } from "node:url";
import type { MemoryBackend } from "@tta-dev/core";
import { casIncrement } from "../util.js";

interface Task {
  module: string;
  namespace: string;
  appends: number;
  increments: number;
  batch: number;
  id: number;
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? "{}") as Task;
  const mod = (await import(pathToFileURL(task.module).href)) as { createBackend(): Promise<MemoryBackend> };
  const backend = await mod.createBackend();
  const log = { namespace: task.namespace, collection: "events", partition: "shared" };
  const counter = { namespace: task.namespace, collection: "things" };
  const seqs: number[] = [];
  let conflicts = 0;
  let done = 0;
  let inc = 0;
  while (done < task.appends || inc < task.increments) {
    if (done < task.appends) {
      const n = Math.min(task.batch, task.appends - done);
      const entries = await backend.append(
        log,
        Array.from({ length: n }, (_, i) => ({ value: { child: task.id, i: done + i } })),
      );
      seqs.push(...entries.map((e) => e.seq));
      done += n;
    }
    if (inc < task.increments) {
      conflicts += await casIncrement(backend, counter, "counter");
      inc++;
    }
  }
  await backend.close();
  process.stdout.write(`${JSON.stringify({ seqs, conflicts })}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
