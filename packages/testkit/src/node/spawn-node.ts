import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

/**
 * The node arguments that run a TypeScript file from its sources: tsx's loader (by absolute URL, so
 * the child may run in any directory) and the `source` export condition.
 */
export const TS_SOURCE_ARGS: readonly string[] = Object.freeze([
  "--conditions=source",
  "--import",
  pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href,
]);

/** The environment without `TTA_*` variables, so the caller's settings never leak into a child. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("TTA_")) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Options of {@link spawnNode}. */
export interface SpawnNodeOptions {
  /** Run the script from TypeScript sources ({@link TS_SOURCE_ARGS}); default true. */
  source?: boolean;
  cwd?: string;
  /** The child's whole environment; default this process's. */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed; without it the child gets no stdin. */
  input?: string;
  /** SIGKILL the child after this many milliseconds; default never. */
  timeoutMs?: number;
  /** Open an IPC channel (`child.send`, `message` events), as `fork` does. */
  ipc?: boolean;
}

/** How a child ended and everything it wrote. */
export interface NodeChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running node child process. */
export interface NodeChild {
  readonly child: ChildProcess;
  /** What it has written on stdout so far. */
  stdout(): string;
  /** What it has written on stderr so far. */
  stderr(): string;
  /** stdout and stderr so far, in the order they came. */
  output(): string;
  /**
   * The first match of `pattern` in what it wrote (stdout and stderr, or `stream` alone); rejects
   * with the output when it exits first or `timeoutMs` passes.
   */
  waitFor(
    pattern: RegExp,
    options?: { timeoutMs?: number; stream?: "stdout" | "all" },
  ): Promise<RegExpExecArray>;
  /** Resolves once it has exited and its output is read; rejects when it could not be started. */
  readonly exited: Promise<NodeChildExit>;
}

/**
 * Start `node args…` as a child process and collect what it writes.
 *
 * @example
 * const server = spawnNode([binPath, "--port", "0"], { cwd: dir, env: cleanEnv() });
 * const [, url] = await server.waitFor(/"url":"([^"]+)"/);
 * server.child.kill("SIGTERM");
 * const { code } = await server.exited;
 */
export function spawnNode(args: readonly string[], options: SpawnNodeOptions = {}): NodeChild {
  const execArgs = options.source === false ? [...args] : [...TS_SOURCE_ARGS, ...args];
  const child = spawn(process.execPath, execArgs, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: options.env ?? process.env,
    stdio: [
      options.input === undefined ? "ignore" : "pipe",
      "pipe",
      "pipe",
      ...(options.ipc ? ["ipc" as const] : []),
    ],
  });
  let stdout = "";
  let stderr = "";
  let all = "";
  const listeners = new Set<() => void>();
  const notify = (): void => {
    for (const listener of listeners) listener();
  };
  child.stdout!.setEncoding("utf8").on("data", (s: string) => {
    stdout += s;
    all += s;
    notify();
  });
  child.stderr!.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
    all += s;
    notify();
  });
  if (options.input !== undefined) {
    // A child may stop reading early (an input cap) and exit: the rest of the write then fails
    // EPIPE, which is the child's answer to assert on, not an error of the harness.
    child.stdin!.on("error", () => undefined);
    child.stdin!.end(options.input);
  }
  const timer =
    options.timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  let ended = false;
  const exited = new Promise<NodeChildExit>((resolve, reject) => {
    child.once("error", (error) => {
      if (timer) clearTimeout(timer);
      ended = true;
      notify();
      reject(error);
    });
    child.once("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      ended = true;
      notify();
      resolve({ code, signal, stdout, stderr });
    });
  });
  // A test that only waits for output still gets the start failure from waitFor.
  exited.catch(() => undefined);

  const waitFor: NodeChild["waitFor"] = (pattern, { timeoutMs = 30_000, stream = "all" } = {}) =>
    new Promise((resolve, reject) => {
      const seen = (): string => (stream === "stdout" ? stdout : all);
      const done = (): void => {
        clearTimeout(deadline);
        listeners.delete(check);
      };
      const check = (): void => {
        const match = pattern.exec(seen());
        if (match) {
          done();
          resolve(match);
        } else if (ended) {
          done();
          reject(new Error(`exited before ${pattern}: ${all.slice(-2_000)}`));
        }
      };
      const deadline = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}: ${all.slice(-2_000)}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });

  return { child, stdout: () => stdout, stderr: () => stderr, output: () => all, waitFor, exited };
}

/**
 * Run `node args…` to the end (see {@link spawnNode}).
 *
 * @example
 * const { code, stdout } = await runNode([cliPath, "session", "list", "--json"], { cwd: dir });
 */
export function runNode(args: readonly string[], options: SpawnNodeOptions = {}): Promise<NodeChildExit> {
  return spawnNode(args, options).exited;
}

/** The last line of `text` parsed as JSON: the result a worker prints when it is done. */
export function lastJsonLine<T>(text: string): T {
  return JSON.parse(text.trim().split("\n").pop() ?? "") as T;
}
