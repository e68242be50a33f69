import { BackendUnavailableError } from "@tta-dev/core";
import { Cluster, type ClusterNode, type ClusterOptions, Redis, type RedisOptions } from "ioredis";
import { mapDriverError } from "./driver-errors.js";
import { defineScripts } from "./scripts.js";

/** A Redis client the backend talks through: a single server or a Cluster. */
export type RedisClient = Redis | Cluster;

/** Where the connection comes from: exactly one of `url`, `redis`, `options`, `cluster`. */
export interface ConnectionOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://…`; the backend opens and closes it. */
  url?: string;
  /** An injected client (Redis or Cluster); the backend never closes it. */
  redis?: RedisClient;
  /** ioredis options for a single server; the backend opens and closes it. */
  options?: RedisOptions;
  /** Startup nodes (and options) of a Redis Cluster; the backend opens and closes it. */
  cluster?: { nodes: ClusterNode[]; options?: ClusterOptions };
  /** Bound of every call, connecting included; default 2000 ms. */
  commandTimeoutMs?: number;
}

/** The connection of one backend: the client and the one function every driver call goes through. */
export interface Connection {
  readonly client: RedisClient;
  readonly owned: boolean;
  /** Run `fn` once the client is ready; fails `BACKEND_UNAVAILABLE` after `commandTimeoutMs`. */
  run<T>(operation: string, place: string, fn: (client: RedisClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const noop = (): void => {};
const retryStrategy = (attempt: number): number => Math.min(25 * 2 ** Math.min(attempt, 5), 500);

function openClient(o: ConnectionOptions, timeoutMs: number): RedisClient {
  // Fail fast and keep reconnecting in the background: no offline queue (a call waits for `ready`
  // itself, bounded), no resend of commands in flight when the link drops (their outcome is
  // reported as unavailable, never replayed later behind the caller's back).
  const failFast: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    retryStrategy,
  };
  if (o.cluster) {
    return new Cluster(o.cluster.nodes, {
      lazyConnect: true,
      enableOfflineQueue: false,
      clusterRetryStrategy: retryStrategy,
      slotsRefreshTimeout: timeoutMs,
      retryDelayOnClusterDown: 100,
      retryDelayOnTryAgain: 100,
      retryDelayOnFailover: 100,
      ...o.cluster.options,
      redisOptions: { ...failFast, ...o.cluster.options?.redisOptions },
    });
  }
  if (o.url) return new Redis(o.url, { ...failFast, ...o.options });
  return new Redis({ ...failFast, ...o.options });
}

/**
 * Open (or adopt) the client. Owned clients connect lazily on the first call. The options are
 * checked by the backend beforehand.
 *
 * @example
 * const conn = createConnection({ url: "redis://127.0.0.1:6380", commandTimeoutMs: 2000 });
 */
export function createConnection(o: ConnectionOptions): Connection {
  const timeoutMs = o.commandTimeoutMs ?? 2000;
  const owned = o.redis === undefined;
  const client: RedisClient = o.redis ?? openClient(o, timeoutMs);
  // ioredis prints unhandled 'error' events; a library must not. Failures reach callers as errors.
  let lastError: string | undefined;
  if (owned) {
    client.on("error", (err: Error) => {
      lastError = err.message;
    });
  }
  defineScripts(client);
  const ownTimeout = client.isCluster ? undefined : (client as Redis).options.commandTimeout;
  const selfBounded = owned && typeof ownTimeout === "number" && ownTimeout <= timeoutMs;
  let closed = false;

  // One shared wait for 'ready' however many calls are waiting: one listener, not one per call.
  let readyWait: Promise<void> | null = null;
  function waitReady(): Promise<void> {
    if (client.status === "wait" || (owned && client.status === "end")) client.connect().catch(noop);
    if (readyWait) return readyWait;
    readyWait = new Promise<void>((resolve, reject) => {
      const settle = (err?: Error): void => {
        client.off("ready", onReady);
        client.off("end", onEnd);
        client.off("close", onClose);
        readyWait = null;
        if (err) reject(err);
        else resolve();
      };
      const onReady = (): void => settle();
      const onEnd = (): void => settle(new Error("Connection is closed."));
      // A refused or dropped connection attempt fails the waiting calls at once (fail fast); the
      // client keeps reconnecting in the background for the next call.
      const onClose = (): void => settle(new Error(`Connection is closed: ${lastError ?? "no connection"}`));
      client.once("ready", onReady);
      client.once("end", onEnd);
      client.once("close", onClose);
    });
    readyWait.catch(noop);
    return readyWait;
  }

  return {
    client,
    owned,
    async run(operation, place, fn) {
      if (closed) {
        throw new BackendUnavailableError("The Redis backend is closed.", { backend: "redis", operation });
      }
      if (!owned && client.status === "end") {
        throw mapDriverError(
          new Error("Connection is closed (the injected client was closed)"),
          operation,
          place,
        );
      }
      if (client.status === "reconnecting") {
        // The last attempt failed and the next one is scheduled: fail now rather than wait for it.
        throw mapDriverError(
          new Error(`Connection is closed (reconnecting): ${lastError ?? "no connection"}`),
          operation,
          place,
        );
      }
      if (selfBounded && client.status === "ready") {
        // Hot path: ioredis' own commandTimeout already bounds every command of this client.
        try {
          return await fn(client);
        } catch (err) {
          throw mapDriverError(err, operation, place);
        }
      }
      let timer: NodeJS.Timeout | undefined;
      let gaveUp = false;
      // A call that gave up waiting for the connection must never run later behind its caller's back.
      const work =
        client.status === "ready"
          ? fn(client)
          : waitReady().then(() => {
              if (gaveUp) throw new Error("Command timed out before the connection was ready");
              return fn(client);
            });
      work.catch(noop);
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          gaveUp = true;
          reject(new Error(`Command timed out: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      try {
        return await Promise.race([work, timeout]);
      } catch (err) {
        throw mapDriverError(err, operation, place);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      if (!owned) return;
      if (client.status !== "ready") {
        client.disconnect();
        return;
      }
      const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
      client.quit().catch(noop);
      const bound = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
      await Promise.race([ended, bound]);
      client.disconnect();
    },
  };
}
