import { fileURLToPath } from "node:url";
import { lastJsonLine, runNode } from "../node/spawn-node.js";

/** The result one child reports. */
export interface ChildResult {
  seqs: number[];
  conflicts: number;
}

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * Run `count` child processes of the conformance worker at once against the module's backend.
 * Children run TypeScript through tsx with the `source` export condition.
 */
export async function runChildren(options: {
  module: string;
  env?: Record<string, string>;
  namespace: string;
  count: number;
  appends: number;
  increments: number;
  batch: number;
  timeoutMs?: number;
}): Promise<ChildResult[]> {
  const worker = `${here}worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`;
  const runs = Array.from({ length: options.count }, async (_, id) => {
    const task = JSON.stringify({ ...options, id, env: undefined });
    const { code, stdout, stderr } = await runNode([worker, task], {
      env: { ...process.env, ...options.env },
      timeoutMs: options.timeoutMs ?? 60_000,
    });
    if (code !== 0) throw new Error(`child ${id} exited ${code}: ${stderr.slice(-2000)}`);
    try {
      return lastJsonLine<ChildResult>(stdout);
    } catch {
      throw new Error(`child ${id} printed no result: ${stdout.slice(-500)} ${stderr.slice(-500)}`);
    }
  });
  return Promise.all(runs);
}
