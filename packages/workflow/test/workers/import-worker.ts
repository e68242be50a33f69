// Imports a bundle file into a file-backend store, for the crash test: prints "start" first and the
// receipt last. Task (argv[2], JSON): { root, file, now } — `now` is the clock of the store (epoch ms).
import { createManualClock } from "@tta-dev/core";
import { importBundle } from "@tta-dev/memory";
import { createFileBackend } from "@tta-dev/memory-file";

const task = JSON.parse(process.argv[2] ?? "{}") as { root: string; file: string; now: number };
const clock = createManualClock(task.now);
const backend = createFileBackend({ root: task.root, clock });
process.stdout.write("start\n");
const receipt = await importBundle(backend, task.file, { now: () => clock.now() });
process.stdout.write(`${JSON.stringify(receipt)}\n`);
await backend.close();
