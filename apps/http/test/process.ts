import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { cleanEnv } from "./cli-process.js";

/** tsx's loader by absolute URL, so children can run anywhere. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

const BIN = fileURLToPath(new URL("../src/bin.ts", import.meta.url));

/** A `tta-http` child process and the URL it listens on. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /**
   * The output once `match` holds for it (polled), or a rejection after `timeoutMs`. The server
   * logs a request when its response has finished, which may come after the client read the body.
   */
  waitForOutput: (match: (out: string) => boolean, timeoutMs?: number) => Promise<string>;
  exited: Promise<number | null>;
}

/** Start `tta-http` as a real process (TypeScript through tsx) and wait until it listens. */
export async function startServerProcess(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--conditions=source", "--import", TSX, BIN, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tta-http did not start: ${out}`)), 30_000);
    const check = () => {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`tta-http exited ${code}: ${out}`));
    });
  });
  const waitForOutput = async (match: (out: string) => boolean, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!match(out)) {
      if (Date.now() > deadline) throw new Error(`the expected output did not come: ${out.slice(-2_000)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return out;
  };
  return { child, url, output: () => out, waitForOutput, exited };
}
