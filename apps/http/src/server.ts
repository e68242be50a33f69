import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { DEFAULT_HTTP_HOST, DEFAULT_HTTP_PORT, HTTP_DEFAULTS } from "@tta-dev/contract";
import { ValidationError } from "@tta-dev/core";
import type { Hono } from "hono";
import { isLoopback } from "./hosts.js";

export { isLoopback } from "./hosts.js";

/** How long a connection may take, and how many may be open (`http.*`; see `HTTP_DEFAULTS`). */
export interface ConnectionLimits {
  /** Time to receive the request headers; at most `requestTimeoutMs`. */
  headersTimeoutMs: number;
  /** Time to receive the whole request, headers and body. */
  requestTimeoutMs: number;
  /** Time an idle keep-alive connection stays open. */
  idleTimeoutMs: number;
  /** Connections open at once; further ones are closed on arrival. */
  maxConnections: number;
}

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  app: Hono;
  /** Default `DEFAULT_HTTP_HOST` (`127.0.0.1`). */
  host?: string;
  /** Default `DEFAULT_HTTP_PORT` (7411); 0 picks a free port. */
  port?: number;
  /** Whether bearer tokens are configured; without them only loopback addresses may be bound. */
  hasTokens: boolean;
  /** Timeouts and the connection cap; each one defaults to `HTTP_DEFAULTS`. */
  limits?: Partial<ConnectionLimits>;
  /** Called when a connection is closed on arrival because `maxConnections` are open. */
  onDrop?: () => void;
}

/** A running server. */
export interface RunningHttpServer {
  url: string;
  port: number;
  /** Stop accepting, finish in-flight requests, then resolve. */
  close(): Promise<void>;
}

/**
 * The connection limits with their defaults filled in. A headers timeout left unset follows a
 * shorter request timeout (Node refuses a headers timeout over the request timeout).
 *
 * @throws ValidationError when both are set and the headers timeout is the longer
 */
export function resolveConnectionLimits(given: Partial<ConnectionLimits> = {}): ConnectionLimits {
  const requestTimeoutMs = given.requestTimeoutMs ?? HTTP_DEFAULTS.requestTimeoutMs;
  const headersTimeoutMs =
    given.headersTimeoutMs ?? Math.min(HTTP_DEFAULTS.headersTimeoutMs, requestTimeoutMs);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ValidationError(
      `http.headersTimeoutMs (${headersTimeoutMs}) must not exceed http.requestTimeoutMs (${requestTimeoutMs}): the headers are part of the request.`,
      { issues: [{ path: "http.headersTimeoutMs", message: "over http.requestTimeoutMs" }] },
    );
  }
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    idleTimeoutMs: given.idleTimeoutMs ?? HTTP_DEFAULTS.idleTimeoutMs,
    maxConnections: given.maxConnections ?? HTTP_DEFAULTS.maxConnections,
  };
}

/**
 * How often Node looks for requests past their timeouts. Its default, 30 s, would let a 10 s
 * timeout fire after up to 40 s; a quarter of the shorter timeout (0.1–1 s) keeps it close.
 */
function checkingInterval(limits: ConnectionLimits): number {
  return Math.max(
    100,
    Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
  );
}

/**
 * Listen on `host:port`. Refuses a non-loopback address when no tokens are configured: the server is
 * closed by default.
 *
 * @example
 * const server = await startHttpServer({ app, port: 0, hasTokens: false });
 * await fetch(`${server.url}/healthz`);
 * await server.close();
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const host = options.host ?? DEFAULT_HTTP_HOST;
  const limits = resolveConnectionLimits(options.limits);
  if (!options.hasTokens && !isLoopback(host)) {
    throw new ValidationError(
      `Refusing to listen on ${host} without bearer tokens: anyone on the network could read and write memory. Configure http.tokens in .tta/config.yaml (or TTA_HTTP_TOKEN), or bind 127.0.0.1.`,
      { issues: [{ path: "http.host", message: "non-loopback address without tokens" }] },
    );
  }
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      {
        fetch: options.app.fetch,
        hostname: host,
        port: options.port ?? DEFAULT_HTTP_PORT,
        serverOptions: {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          keepAliveTimeout: limits.idleTimeoutMs,
          connectionsCheckingInterval: checkingInterval(limits),
        },
      },
      () => resolve(s),
    );
    // Set before the first connection: a cap of open sockets (idle keep-alive ones count), beyond
    // which Node destroys a new socket at once ('drop').
    const node = s as Server;
    node.maxConnections = limits.maxConnections;
    node.keepAliveTimeout = limits.idleTimeoutMs;
    if (options.onDrop) node.on("drop", options.onDrop);
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Idle keep-alive sockets would hold close() open; in-flight requests are let finish.
        (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
      }),
  };
}
