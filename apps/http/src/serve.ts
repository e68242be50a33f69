import type { Handlers } from "@tta-dev/contract";
import type { Limits, NamingPolicy } from "@tta-dev/core";
import type { Logger } from "pino";
import { createHttpApp } from "./app.js";
import type { TokenRecord } from "./auth.js";
import { type ConnectionLimits, type RunningHttpServer, startHttpServer } from "./server.js";

/** Options of {@link serveHttp}. */
export interface ServeHttpOptions {
  handlers: Handlers;
  /** Readiness of the store (`backend.ping`). */
  ready: () => Promise<void>;
  /** Releases the store once the server has drained. */
  close: () => Promise<void>;
  tokens: readonly TokenRecord[];
  host?: string;
  port?: number;
  bodyLimitBytes?: number;
  /** Largest bundle `POST /v1/import` takes (`http.importLimitBytes`). */
  importLimitBytes?: number;
  defaultNamespace?: string;
  limits?: Partial<Limits>;
  namingPolicy?: NamingPolicy;
  version?: string;
  logger: Logger;
  /** Data directory of the file backend: error answers name files relative to it. */
  dataDir?: string;
  /** `http.allowedHosts`: host names served besides loopback ones. */
  allowedHosts?: readonly string[];
  /** `http.allowCommands`: an admin token may have `paf.validate` run commands. */
  allowCommands?: boolean;
  /** Timeouts and the connection cap (`http.*`). */
  connectionLimits?: Partial<ConnectionLimits>;
  /** Install SIGTERM/SIGINT handlers that drain and exit (default true). */
  handleSignals?: boolean;
}

/**
 * A warning when connections are refused for being over `http.maxConnections`: the first at once,
 * then at most one every 10 s with the count, so that a flood of connections is not also a flood
 * of log lines.
 */
function dropLogger(logger: Logger): () => void {
  let dropped = 0;
  let last = 0;
  return () => {
    dropped++;
    const now = Date.now();
    if (now - last < 10_000) return;
    logger.warn({ dropped }, "connections refused: http.maxConnections are open");
    last = now;
    dropped = 0;
  };
}

/**
 * Start the HTTP server on a configured store; on SIGTERM or SIGINT it stops accepting connections,
 * finishes the requests in flight, closes the store and exits 0.
 *
 * @example
 * const server = await serveHttp({ handlers, ready: () => backend.ping(), close: () => backend.close(),
 *   tokens: [], logger: pino() });
 */
export async function serveHttp(
  options: ServeHttpOptions,
): Promise<RunningHttpServer & { shutdown(): Promise<void> }> {
  const app = createHttpApp({
    handlers: options.handlers,
    ready: options.ready,
    tokens: options.tokens,
    logger: options.logger,
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
    ...(options.importLimitBytes ? { importLimitBytes: options.importLimitBytes } : {}),
    ...(options.defaultNamespace ? { defaultNamespace: options.defaultNamespace } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.namingPolicy ? { namingPolicy: options.namingPolicy } : {}),
    ...(options.version ? { version: options.version } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.host ? { boundHost: options.host } : {}),
    ...(options.allowCommands !== undefined ? { allowCommands: options.allowCommands } : {}),
  });
  const server = await startHttpServer({
    app,
    hasTokens: options.tokens.length > 0,
    ...(options.host ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.connectionLimits ? { limits: options.connectionLimits } : {}),
    onDrop: dropLogger(options.logger),
  });
  options.logger.info({ url: server.url, tokens: options.tokens.length }, "tta-http listening");
  let stopping: Promise<void> | undefined;
  const shutdown = () => {
    stopping ??= (async () => {
      options.logger.info("draining: no new connections, finishing requests in flight");
      await server.close();
      await options.close();
      options.logger.info("stopped");
    })();
    return stopping;
  };
  if (options.handleSignals !== false) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        shutdown().then(
          () => process.exit(0),
          (e: unknown) => {
            options.logger.error(
              { err: { message: e instanceof Error ? e.message : String(e) } },
              "shutdown failed",
            );
            process.exit(1);
          },
        );
      });
    }
  }
  return { ...server, shutdown };
}
