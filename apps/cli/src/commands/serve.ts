import type { CliIo } from "../io.js";
import type { GlobalFlags } from "../program.js";

/** What `tta serve` was asked for. */
export interface ServeRequest {
  host?: string;
  port?: string;
  globals: GlobalFlags;
}

/** The `tta-http` arguments of a `tta serve` invocation: its own flags and the global ones. */
export function serveArgs(request: ServeRequest): string[] {
  const g = request.globals;
  const pairs: [string, string | undefined][] = [
    ["--host", request.host],
    ["--port", request.port],
    ["--dir", g.dir],
    ["--backend", g.backend],
    ["--redis-url", g.redisUrl],
    ["--namespace", g.namespace],
  ];
  return pairs.flatMap(([flag, value]) => (value === undefined ? [] : [flag, value]));
}

/**
 * `tta serve`: run the HTTP server of `@tta-dev/http`, imported only now. Resolves with the exit
 * code of a failed start-up, or 0 once the server listens (it then runs until SIGTERM/SIGINT, which
 * drain it and exit 0).
 */
export async function serve(request: ServeRequest, io: CliIo): Promise<number> {
  const { runHttpMain } = await import("@tta-dev/http");
  const code = await runHttpMain(serveArgs(request), { ...io.env } as NodeJS.ProcessEnv, io.cwd);
  return code ?? 0;
}

/**
 * `tta ui`: `tta serve`, then the web inspector's URL on a line of its own on stdout (before the
 * server's JSON log lines follow it).
 */
export async function ui(request: ServeRequest, io: CliIo): Promise<number> {
  const { runHttpMain } = await import("@tta-dev/http");
  const code = await runHttpMain(serveArgs(request), { ...io.env } as NodeJS.ProcessEnv, io.cwd, {
    onListening: (url) => io.stdout.write(`tta web inspector: ${url}/ui\n`),
  });
  return code ?? 0;
}
