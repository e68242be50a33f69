import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { ValidationError } from "@tta-dev/core";
import type { Hono } from "hono";
import { isLoopback } from "./hosts.js";

export { isLoopback } from "./hosts.js";

/** Options of {@link startHttpServer}. */
export interface HttpServerOptions {
  app: Hono;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 7411; 0 picks a free port. */
  port?: number;
  /** Whether bearer tokens are configured; without them only loopback addresses may be bound. */
  hasTokens: boolean;
}

/** A running server. */
export interface RunningHttpServer {
  url: string;
  port: number;
  /** Stop accepting, finish in-flight requests, then resolve. */
  close(): Promise<void>;
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
  const host = options.host ?? "127.0.0.1";
  if (!options.hasTokens && !isLoopback(host)) {
    throw new ValidationError(
      `Refusing to listen on ${host} without bearer tokens: anyone on the network could read and write memory. Configure http.tokens in .tta/config.yaml (or TTA_HTTP_TOKEN), or bind 127.0.0.1.`,
      { issues: [{ path: "http.host", message: "non-loopback address without tokens" }] },
    );
  }
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: options.app.fetch, hostname: host, port: options.port ?? 7411 }, () =>
      resolve(s),
    );
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
