import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cleanEnv, spawnNode } from "@tta-dev/testkit/node";

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
  const server = spawnNode([BIN, ...args], { cwd: options.cwd, env: cleanEnv(options.env) });
  const [, url] = await server
    .waitFor(/"url":"(http:\/\/[^"]+)"/, { stream: "stdout" })
    .catch((error: Error) => Promise.reject(new Error(`tta-http did not start: ${error.message}`)));
  const waitForOutput = async (match: (out: string) => boolean, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!match(server.output())) {
      if (Date.now() > deadline) {
        throw new Error(`the expected output did not come: ${server.output().slice(-2_000)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return server.output();
  };
  return {
    child: server.child,
    url: url!,
    output: server.output,
    waitForOutput,
    exited: server.exited.then((exit) => exit.code),
  };
}
