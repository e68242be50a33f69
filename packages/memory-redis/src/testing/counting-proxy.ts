import { createConnection, createServer, type Socket } from "node:net";

/** A TCP proxy in front of a Redis server that counts round trips. */
export interface CountingProxy {
  readonly port: number;
  /**
   * Client→server turns since the last reset: a burst of client data after the server last spoke.
   * A pipeline is one turn; a split write can only make the count higher, never lower.
   */
  roundTrips(): number;
  reset(): void;
  close(): Promise<void>;
}

/**
 * Start a proxy on a free port forwarding to `127.0.0.1:targetPort`.
 *
 * @example
 * const proxy = await startCountingProxy(server.port);
 * const backend = createRedisBackend({ url: `redis://127.0.0.1:${proxy.port}` });
 */
export async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  let trips = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: "127.0.0.1", port: targetPort });
    sockets.add(client).add(upstream);
    let clientTurn = false;
    client.on("data", (d) => {
      if (!clientTurn) trips++;
      clientTurn = true;
      upstream.write(d);
    });
    upstream.on("data", (d) => {
      clientTurn = false;
      client.write(d);
    });
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    roundTrips: () => trips,
    reset: () => {
      trips = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
