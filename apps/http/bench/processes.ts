import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { freePort } from "@tta-dev/testkit/node";

/** tsx's loader by absolute URL, so children can run anywhere. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** A server process the benchmark started. */
export interface BenchServer {
  url: string;
  stop(): Promise<void>;
}

async function waitHealthy(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr()}`);
    try {
      await fetch(`${url}/healthz`);
      return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not become healthy: ${stderr()}`);
}

/**
 * Start a TypeScript entry point (through tsx) on a free loopback port given as `--port`; its
 * stdout goes to /dev/null, as a server's log would go to a file. Resolves once it answers HTTP.
 */
export async function startBenchServer(
  script: URL,
  options: { cwd: string; env?: Record<string, string>; args?: string[]; nodeArgs?: string[] },
): Promise<BenchServer> {
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("TTA_")) env[k] = v;
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      "--conditions=source",
      "--import",
      TSX,
      fileURLToPath(script),
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      ...(options.args ?? []),
    ],
    { cwd: options.cwd, env: { ...env, ...options.env }, stdio: ["ignore", "ignore", "pipe"] },
  );
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child, () => err).catch((e: unknown) => {
    child.kill("SIGKILL");
    throw e;
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
