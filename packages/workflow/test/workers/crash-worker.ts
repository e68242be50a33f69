/**
 * Child process of test/crash-windows.test.ts, killed with SIGKILL at a random moment. Argument: JSON
 * task. Modes:
 * - `complete`: for i = 0…count-1 creates session `crash-s<i>-2026-12-03` and completes it with
 *   three lessons, printing `done <i>` after each.
 * - `memories`: creates, updates and deletes deep memories in a loop until killed, printing `ack <id>`
 *   after each acknowledged write.
 */
import { hasErrorCode } from "@tta-dev/core";
import { createFileBackend } from "@tta-dev/memory-file";
import { createMemoryWorkflow } from "../../src/index.js";
import { crashSession } from "../crash-sessions.js";

interface Task {
  mode: "complete" | "memories";
  root: string;
  namespace: string;
  count: number;
}

const task = JSON.parse(process.argv[2] ?? "{}") as Task;

async function main(): Promise<void> {
  const backend = createFileBackend({ root: task.root, durability: "os" });
  const wf = createMemoryWorkflow({ backend, namespace: task.namespace });
  process.stdout.write("ready\n");
  if (task.mode === "complete") {
    for (let i = 0; i < task.count; i++) {
      const { id, lessons } = crashSession(i);
      try {
        await wf.memory.sessions.create({ id, tags: ["crash"] });
      } catch (error) {
        if (!hasErrorCode(error, "ALREADY_EXISTS")) throw error;
      }
      await wf.memory.sessions.complete({ id, lessons });
      process.stdout.write(`done ${i}\n`);
    }
    return;
  }
  const live: string[] = [];
  for (let i = 0; ; i++) {
    if (i % 5 === 4 && live.length > 0) {
      const id = live.shift()!;
      await wf.memory.memories.delete({ id });
      process.stdout.write(`ack ${id}\n`);
    } else if (i % 3 === 2 && live.length > 0) {
      const id = live[live.length - 1]!;
      await wf.memory.memories.update({ id, content: `updated ${i}`, importance: 0.9 });
      process.stdout.write(`ack ${id}\n`);
    } else {
      const m = await wf.memory.memories.create({
        content: `memory ${i} about crash windows`,
        tags: ["crash"],
      });
      live.push(m.id);
      process.stdout.write(`ack ${m.id}\n`);
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  },
);
