import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

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
  const runs = Array.from({ length: options.count }, (_, id) => {
    const task = JSON.stringify({ ...options, id, env: undefined });
    return new Promise<ChildResult>((resolve, reject) => {
      const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", worker, task], {
        env: { ...process.env, ...options.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
      child.on("exit", (code) => {
        clearTimeout(timer);
        if (code !== 0) return reject(new Error(`child ${id} exited ${code}: ${err.slice(-2000)}`));
        try {
          resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as ChildResult);
        } catch {
          reject(new Error(`child ${id} printed no result: ${out.slice(-500)} ${err.slice(-500)}`));
        }
      });
    });
  });
  return Promise.all(runs);
}
