// One step of the flat-memory check of export and import, in a process of its own so that its peak
// memory is its own. Task (argv[2], JSON):
//   { step: "populate", root, messages }  one session holding `messages` messages
//   { step: "export", root, out }         exportBundle of the store into the file `out`
//   { step: "import", root, file }        importBundle of `file` into the store at `root`
// Prints one JSON line: what the step did, its peak heap (sampled) and its peak RSS, in bytes.
import { createWriteStream } from "node:fs";
import { createManualClock } from "@tta-dev/core";
import { createMemoryStore, exportBundle, importBundle } from "@tta-dev/memory";
import { createFileBackend } from "@tta-dev/memory-file";

type Task =
  | { step: "populate"; root: string; messages: number }
  | { step: "export"; root: string; out: string }
  | { step: "import"; root: string; file: string };

const task = JSON.parse(process.argv[2] ?? "{}") as Task;
const clock = createManualClock("2026-11-25T12:00:00.000Z");
const backend = createFileBackend({ root: task.root, clock });
let peakHeap = 0;
const sample = (): void => {
  const used = process.memoryUsage().heapUsed;
  if (used > peakHeap) peakHeap = used;
};
const timer = setInterval(sample, 20);
const BATCH = 1000;

async function run(): Promise<Record<string, unknown>> {
  switch (task.step) {
    case "populate": {
      const store = createMemoryStore({ backend, clock });
      await store.sessions.create({ id: "long-run-2026-11-25", title: "A session of many messages" });
      for (let i = 0; i < task.messages; i += BATCH) {
        await store.messages.appendBatch({
          sessionId: "long-run-2026-11-25",
          messages: Array.from({ length: Math.min(BATCH, task.messages - i) }, (_, j) => ({
            role: (i + j) % 2 ? ("assistant" as const) : ("user" as const),
            content: `message ${i + j}: the pool keeps ${(i + j) % 97} connections — ünïcödé ✓`,
          })),
        });
        sample();
      }
      return { messages: task.messages };
    }
    case "export": {
      const out = createWriteStream(task.out);
      let lines = 0;
      for await (const line of exportBundle({ backend, namespace: "default", tool: "flat-memory" })) {
        lines++;
        if (!out.write(line)) await new Promise<void>((r) => out.once("drain", () => r()));
        if (lines % 1000 === 0) sample();
      }
      await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
      return { lines };
    }
    case "import": {
      const receipt = await importBundle(backend, task.file, { now: () => clock.now() });
      return { imported: receipt.imported };
    }
  }
}

const result = await run();
sample();
clearInterval(timer);
await backend.close();
process.stdout.write(
  `${JSON.stringify({ ...result, peakHeap, maxRss: process.resourceUsage().maxRSS * 1024 })}\n`,
);
