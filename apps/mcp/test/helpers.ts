import { type ChildProcess, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { spawnNode, cleanEnv as withoutTtaVariables } from "@tta-dev/testkit/node";
import { afterAll } from "vitest";

/** The built `tta` command line (bundled by `pnpm build`), as a user runs it. */
export const TTA_BIN = fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));

const cleanups: (() => void | Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The environment without `TTA_*` variables, with `NO_COLOR=1`, so the caller's settings never leak into a child. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return withoutTtaVariables({ NO_COLOR: "1", ...extra });
}

/** A fresh workspace (`.git` stops the workspace search here), removed after the file's tests. */
export function workspace(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "tta-mcp-"));
  mkdirSync(join(dir, ".git"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** An SDK client connected to a spawned `tta mcp` in `cwd`; closed after the file's tests. */
export async function stdioClient(cwd: string, args: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [TTA_BIN, "mcp", ...args],
    cwd,
    env: cleanEnv(),
    stderr: "pipe",
  });
  const client = new Client({ name: "tta-test", version: "1.0.0" });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return client;
}

/** A running `tta serve` process. */
export interface ServeProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
}

/** Start `tta serve --port 0` in `cwd` and wait for its URL; stopped after the file's tests. */
export async function serve(cwd: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const server = spawnNode([TTA_BIN, "serve", "--port", "0"], { source: false, cwd, env: cleanEnv(env) });
  const { child } = server;
  const [, url] = await server
    .waitFor(/"url":"(http:\/\/[^"]+)"/, { stream: "stdout" })
    .catch((error: Error) => Promise.reject(new Error(`tta serve did not start: ${error.message}`)));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  );
  return { url: url!, child, output: server.output };
}

/** An SDK client on `/mcp` of a running server, with a token and a namespace when given. */
export async function httpClient(
  url: string,
  options: { token?: string; namespace?: string; tools?: string } = {},
): Promise<Client> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.namespace) headers["x-tta-namespace"] = options.namespace;
  const endpoint = new URL(`${url}/mcp${options.tools ? `?tools=${options.tools}` : ""}`);
  const client = new Client({ name: "tta-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(endpoint, { requestInit: { headers } }));
  cleanups.push(() => client.close());
  return client;
}

/** Run `tta … --json` as a process in `cwd`. */
export function cli(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [TTA_BIN, ...args], { cwd, env: cleanEnv(), encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The `{ error }` a tool result with `isError` carries in its text. */
export function toolError(result: object): { code: string; message: string } {
  const text = (result as { content?: { text: string }[] }).content?.[0]?.text ?? "{}";
  return (JSON.parse(text) as { error: { code: string; message: string } }).error;
}
