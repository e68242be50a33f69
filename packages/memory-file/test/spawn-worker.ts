import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { lastJsonLine, runNode, spawnNode } from "@tta-dev/testkit/node";

const worker = fileURLToPath(new URL("./workers/writer.ts", import.meta.url));

/**
 * Start a test worker (by default `workers/writer.ts`) with a task; TypeScript runs through tsx with
 * the `source` condition.
 */
export function startWorker(task: Record<string, unknown>, script = worker): ChildProcess {
  return spawnNode([script, JSON.stringify(task)]).child;
}

/** Run the worker to completion and parse the JSON line it prints last. */
export async function runWorker<T>(
  task: Record<string, unknown>,
  timeoutMs = 120_000,
  script = worker,
): Promise<T> {
  const { code, stdout, stderr } = await runNode([script, JSON.stringify(task)], { timeoutMs });
  if (code !== 0) throw new Error(`worker exited ${code}: ${stderr.slice(-2000)}`);
  try {
    return lastJsonLine<T>(stdout);
  } catch {
    throw new Error(`worker printed no result: ${stdout.slice(-500)} ${stderr.slice(-500)}`);
  }
}
