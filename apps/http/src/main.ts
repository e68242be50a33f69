import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, exitCodeFor } from "@tta-dev/contract";
import { resolveLimits, toTtaError, ValidationError } from "@tta-dev/core";
import { loadConfig, openBackend, openHandlers } from "@tta-dev/runtime";
import pino from "pino";
import { serveHttp } from "./serve.js";
import { resolveTokens } from "./tokens.js";

function version(): string {
  return (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
  ).version;
}

const HELP = `tta-http — the tta HTTP server

Usage: tta-http [--host ${DEFAULT_HTTP_HOST}] [--port ${DEFAULT_HTTP_PORT}] [--dir .tta] [--backend file|redis|keyv|memory]
                [--redis-url URL] [--namespace NS]

Configuration: .tta/config.yaml (http.host, http.port, http.bodyLimitBytes, http.importLimitBytes,
http.tokens, http.allowedHosts, http.allowCommands, http.headersTimeoutMs, http.requestTimeoutMs,
http.idleTimeoutMs, http.maxConnections), then TTA_* variables (TTA_HTTP_TOKEN adds a bearer
token), then flags. Without tokens it binds loopback only and refuses requests from web pages of
other origins; it answers only to loopback host names and http.allowedHosts. Stops gracefully on
SIGTERM.`;

/**
 * Run the server from the command line; resolves with an exit code when start-up fails, and otherwise
 * keeps running until SIGTERM/SIGINT. `hooks.onListening` gets the server's URL once it listens.
 */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  hooks: { onListening?: (url: string) => void } = {},
): Promise<number | undefined> {
  let args: ReturnType<typeof parse>;
  function parse() {
    return parseArgs({
      args: argv,
      options: {
        host: { type: "string" },
        port: { type: "string" },
        dir: { type: "string" },
        backend: { type: "string" },
        "redis-url": { type: "string" },
        namespace: { type: "string" },
        help: { type: "boolean" },
        version: { type: "boolean" },
      },
      strict: true,
    });
  }
  try {
    args = parse();
  } catch (e) {
    process.stderr.write(
      `${JSON.stringify({ error: { code: "VALIDATION_FAILED", message: (e as Error).message, details: {} } })}\n`,
    );
    return 2;
  }
  const v = args.values;
  if (v.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (v.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  try {
    const resolved = await loadConfig(cwd, env, {
      ...(v.dir !== undefined ? { dir: v.dir } : {}),
      ...(v.backend !== undefined ? { backend: v.backend } : {}),
      ...(v["redis-url"] !== undefined ? { redisUrl: v["redis-url"] } : {}),
      ...(v.namespace !== undefined ? { namespace: v.namespace } : {}),
    });
    const http = resolved.config.http ?? {};
    const port = v.port !== undefined ? Number(v.port) : (http.port ?? DEFAULT_HTTP_PORT);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new ValidationError("--port: must be an integer from 0 to 65535.", {
        issues: [{ path: "--port", message: "invalid port" }],
      });
    }
    const tokens = resolveTokens(http.tokens, env);
    const backend = await openBackend(resolved);
    const handlers = await openHandlers(resolved, backend, { version: version() });
    const server = await serveHttp({
      handlers,
      ready: () => backend.ping(),
      close: () => backend.close(),
      tokens,
      host: v.host ?? http.host ?? DEFAULT_HTTP_HOST,
      port,
      ...(http.bodyLimitBytes ? { bodyLimitBytes: http.bodyLimitBytes } : {}),
      ...(http.importLimitBytes ? { importLimitBytes: http.importLimitBytes } : {}),
      dataDir: resolved.dataDir,
      ...(http.allowedHosts ? { allowedHosts: http.allowedHosts } : {}),
      ...(http.allowCommands !== undefined ? { allowCommands: http.allowCommands } : {}),
      connectionLimits: {
        ...(http.headersTimeoutMs ? { headersTimeoutMs: http.headersTimeoutMs } : {}),
        ...(http.requestTimeoutMs ? { requestTimeoutMs: http.requestTimeoutMs } : {}),
        ...(http.idleTimeoutMs ? { idleTimeoutMs: http.idleTimeoutMs } : {}),
        ...(http.maxConnections ? { maxConnections: http.maxConnections } : {}),
      },
      defaultNamespace: resolved.namespace,
      limits: resolveLimits(resolved.config.limits ?? {}),
      namingPolicy: resolved.namingPolicy,
      version: version(),
      logger: pino({ level: env.TTA_LOG_LEVEL ?? "info", base: { pid: process.pid } }),
    });
    hooks.onListening?.(server.url);
    return undefined;
  } catch (err) {
    const e = toTtaError(err);
    process.stderr.write(`${JSON.stringify({ error: e.toJSON() })}\n`);
    return exitCodeFor(e.code);
  }
}
