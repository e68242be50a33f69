import { spawn } from "node:child_process";

/** How a command ended, with everything it printed. */
export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Kill the command (and every process it started) after this long; default 180 s. */
  timeoutMs?: number;
}

/**
 * Run a command in its own process group and wait for it to exit; then end whatever it left
 * running in the background (a quick start's `tta-http … &`). Never throws for a failing command:
 * the caller asserts on the result and shows its output.
 */
export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // the group is gone already
      }
    };
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs ?? 180_000} ms]`;
      killGroup("SIGKILL");
    }, options.timeoutMs ?? 180_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // "exit", not "close": a background process the command started may keep the pipes open.
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      setTimeout(() => {
        killGroup("SIGTERM");
        setTimeout(() => killGroup("SIGKILL"), 2_000).unref();
        resolve({ code, signal, stdout, stderr });
      }, 100);
    });
  });
}

/** A result as text for an assertion message. */
export function describeRun(what: string, r: RunResult): string {
  const tail = (s: string) => s.split("\n").slice(-40).join("\n");
  return `${what}: exit ${r.code ?? r.signal}\n--- stdout ---\n${tail(r.stdout)}\n--- stderr ---\n${tail(r.stderr)}`;
}

/**
 * This process's environment without what would steer a child npm or tta: pnpm's and npm's
 * `npm_*` settings, vitest's and tta's own variables, NODE_OPTIONS.
 */
export function outsideEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(npm_|pnpm_|PNPM_|VITEST|TTA_|NODE_OPTIONS$|NODE_ENV$|TEST$)/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}
