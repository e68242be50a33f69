import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/** tsx's loader by absolute URL, so children can run anywhere. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** The `tta` command line of the monorepo, run from its TypeScript sources. */
const CLI_BIN = fileURLToPath(new URL("../../cli/src/bin.ts", import.meta.url));

/** What one `tta` process did. */
export interface CliProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without `TTA_*` variables, so the caller's settings never leak into a child. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith("TTA_")) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Run `tta …` as a real child process in `cwd` (stdin closed) and collect what it printed. */
export function runCliProcess(args: readonly string[], cwd: string): Promise<CliProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", TSX, CLI_BIN, ...args], {
      cwd,
      env: cleanEnv({ NO_COLOR: "1" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
