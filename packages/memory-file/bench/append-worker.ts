/**
 * Child process of the benchmark: waits for a common start time, appends `count` messages to one
 * session (through the backend, or raw `writeSync` with O_APPEND as the floor), prints its timing.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { createFileBackend } from "../src/index.js";

const task = JSON.parse(process.argv[2] ?? "{}") as {
  mode: "backend" | "raw";
  root: string;
  file: string;
  count: number;
  startAt: number;
  message: Record<string, unknown>;
};

async function main(): Promise<void> {
  const scope = { namespace: "default", collection: "messages", partition: "bench-concurrent-2026-01-01" };
  const backend = task.mode === "backend" ? createFileBackend({ root: task.root }) : null;
  const fd = task.mode === "raw" ? openSync(task.file, "a") : -1;
  while (Date.now() < task.startAt) {
    /* spin until the common start */
  }
  const start = Date.now();
  for (let i = 0; i < task.count; i++) {
    if (backend) await backend.append(scope, [{ value: task.message }]);
    else writeSync(fd, `${JSON.stringify({ i, ...task.message })}\n`);
  }
  const end = Date.now();
  if (backend) await backend.close();
  if (fd !== -1) closeSync(fd);
  process.stdout.write(`${JSON.stringify({ start, end })}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${String(e)}\n`);
    process.exit(1);
  },
);
