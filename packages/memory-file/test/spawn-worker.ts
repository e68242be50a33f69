import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const worker = fileURLToPath(new URL("./workers/writer.ts", import.meta.url));

/**
 * Start a test worker (by default `workers/writer.ts`) with a task; TypeScript runs through tsx with
 * the `source` condition.
 */
export function startWorker(task: Record<string, unknown>, script = worker): ChildProcess {
  return spawn(process.execPath, ["--conditions=source", "--import", "tsx", script, JSON.stringify(task)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Run the worker to completion and parse the JSON line it prints last. */
export function runWorker<T>(
  task: Record<string, unknown>,
  timeoutMs = 120_000,
  script = worker,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = startWorker(task, script);
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`worker exited ${code}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop() ?? "") as T);
      } catch {
        reject(new Error(`worker printed no result: ${out.slice(-500)} ${err.slice(-500)}`));
      }
    });
  });
}
