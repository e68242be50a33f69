import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

const SRC_BIN = fileURLToPath(new URL("../src/bin.ts", import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** The built binary, when `dist/bin.js` exists (after `tsc -b`). */
export const DIST_BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/**
 * The node arguments that run `tta`: the built `dist/bin.js` when `useDist` and it exists, else the
 * TypeScript sources through tsx (with the `source` export condition).
 */
export function ttaCommand(useDist = false): string[] {
  if (useDist && existsSync(DIST_BIN)) return [DIST_BIN];
  return ["--conditions=source", "--import", TSX, SRC_BIN];
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Spawn `tta argv…` (async, so several can run at once). */
export function spawnTta(
  argv: string[],
  options: { cwd: string; env?: Record<string, string>; input?: string; useDist?: boolean },
): { child: ChildProcess; done: Promise<ChildResult> } {
  const child = spawn(process.execPath, [...ttaCommand(options.useDist), ...argv], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (s: string) => {
    stdout += s;
  });
  child.stderr!.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
  });
  child.stdin!.end(options.input ?? "");
  const done = new Promise<ChildResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Resolve with the first match of `pattern` in what `child` writes on stdout (or fail after `ms`). */
export function waitForStdout(child: ChildProcess, pattern: RegExp, ms = 30_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${pattern}; stdout: ${seen}`)),
      ms,
    );
    const onData = (s: Buffer | string) => {
      seen += s.toString();
      const m = pattern.exec(seen);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve(m);
      }
    };
    child.stdout!.on("data", onData);
    child.on("close", () => {
      clearTimeout(timer);
      reject(new Error(`exited before ${pattern}; stdout: ${seen}`));
    });
  });
}
