/**
 * Child process of the conditional-append race test. Argument: JSON task `{ root, namespace,
 * sessionId, id, readFirst? }`. Appends one message at a time to the session's messages while its
 * record says `status: "active"`, and prints `{ appended, status }` once refused (`status`: what the
 * refusal found). With `readFirst`, it reads the record and then appends (two steps, as callers do
 * on a backend without `appendIf`): the race test must catch that.
 */
import { appendWhen, type MemoryBackend, messagesScope, sessionsScope } from "@tta-dev/core";
import { createFileBackend } from "../../src/index.js";
import { runMain } from "./run-main.js";

interface Task {
  root: string;
  namespace: string;
  sessionId: string;
  id: number;
  readFirst?: boolean;
}

const task = JSON.parse(process.argv[2] ?? "{}") as Task;

async function main(): Promise<void> {
  const backend = createFileBackend({ root: task.root });
  const { appendIf: _native, ...twoSteps } = backend;
  const via: MemoryBackend = task.readFirst ? twoSteps : backend;
  const condition = {
    scope: sessionsScope(task.namespace),
    key: task.sessionId,
    field: "status",
    equals: "active",
  };
  const log = messagesScope(task.namespace, task.sessionId);
  for (let i = 0; ; i++) {
    const r = await appendWhen(via, condition, log, [{ value: { child: task.id, i } }]);
    if (!r.ok) {
      const status = (r.record?.value as { status?: unknown } | undefined)?.status ?? null;
      process.stdout.write(`${JSON.stringify({ appended: i, status })}\n`);
      break;
    }
  }
  await backend.close();
}

runMain(main);
