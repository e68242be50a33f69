import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../node/free-port.js";

const exec = promisify(execFile);

/** The `redis-server` binary: `$REDIS_SERVER_BIN`, else Debian's `/usr/bin/redis-server`, else the PATH's. */
export const REDIS_SERVER_BIN =
  process.env.REDIS_SERVER_BIN ??
  (existsSync("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server");
/** The `redis-cli` binary: `$REDIS_CLI_BIN`, else `redis-cli` on the PATH. */
export const REDIS_CLI_BIN = process.env.REDIS_CLI_BIN ?? "redis-cli";

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Servers die with the test process, whatever happened to the tests: on exit, and on the signals
  // that would otherwise end the process without an 'exit' event (then re-raised).
  const killAll = (): void => {
    for (const child of live) child.kill("SIGKILL");
  };
  process.once("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = (): void => {
      killAll();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.once(signal, onSignal);
  }
}

/** Send one inline command and return the first reply line (for readiness probes). */
export function probe(port: number, command: string, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let data = "";
    const done = (value: string): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => done(""));
    socket.on("error", () => done(""));
    socket.on("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (chunk) => {
      data += chunk.toString("utf8");
      if (data.startsWith("$") ? data.split("\r\n").length > 2 : data.includes("\r\n")) done(data);
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Turn on the AOF (`appendonly yes`); default off. */
  appendonly?: boolean;
  /** AOF fsync policy; default `always` when `appendonly` is on. */
  appendfsync?: "always" | "everysec" | "no";
  /** Extra `--name value` arguments. */
  args?: string[];
}

/** A `redis-server` started by the harness, on a free port and a temporary directory. */
export interface RedisServerHandle {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** The server's process id while it runs (for SIGSTOP/SIGCONT in hang tests). */
  readonly pid: number | undefined;
  /** SIGKILL the process (no shutdown, no save): for crash tests. Data stays in `dir`. */
  kill(): Promise<void>;
  /** Start it again on the same port and directory (after `kill`). */
  restart(): Promise<void>;
  /** Stop it and delete its directory. */
  stop(): Promise<void>;
}

function spawnServer(args: string[]): ChildProcess {
  installExitHook();
  const child = spawn(REDIS_SERVER_BIN, args, { stdio: "ignore" });
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

async function killChild(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGKILL");
  await exited;
}

async function launch(args: string[], port: number): Promise<ChildProcess> {
  const child = spawnServer(args);
  let failed: Error | null = null;
  child.once("error", (err) => {
    failed = err;
  });
  child.once("exit", (code) => {
    failed ??= new Error(`redis-server exited with code ${code} (port ${port} taken?)`);
  });
  await waitFor(
    `redis-server on port ${port}`,
    async () => {
      if (failed) throw failed;
      return (await probe(port, "PING")).startsWith("+PONG");
    },
    15_000,
  );
  return child;
}

/**
 * Start a `redis-server` on a free port with its own temporary directory (never the system Redis).
 *
 * @example
 * const server = await startRedisServer({ appendonly: true });
 * const backend = createRedisBackend({ url: server.url });
 * // …
 * await server.stop();
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const dir = mkdtempSync(join(tmpdir(), "tta-redis-"));
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const flags: Record<string, string> = {
      port: String(port),
      bind: "127.0.0.1",
      dir,
      save: "",
      appendonly: options.appendonly ? "yes" : "no",
      appendfsync: options.appendfsync ?? "always",
      daemonize: "no",
      logfile: "",
      loglevel: "warning",
    };
    const args = [...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]), ...(options.args ?? [])];
    try {
      let child: ChildProcess | null = await launch(args, port);
      const handle: RedisServerHandle = {
        port,
        url: `redis://127.0.0.1:${port}`,
        dir,
        get pid() {
          return child?.pid;
        },
        async kill() {
          await killChild(child);
          child = null;
        },
        async restart() {
          await killChild(child);
          child = await launch(args, port);
        },
        async stop() {
          await killChild(child);
          child = null;
          rmSync(dir, { recursive: true, force: true });
        },
      };
      return handle;
    } catch (err) {
      lastError = err;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

/** A Redis Cluster of masters started by the harness. */
export interface RedisClusterHandle {
  /** Startup nodes for `new Cluster(nodes)`. */
  readonly nodes: { host: string; port: number }[];
  readonly servers: RedisServerHandle[];
  stop(): Promise<void>;
}

/**
 * Start `masters` cluster-enabled servers on free ports, join them with
 * `redis-cli --cluster create … --cluster-yes`, and wait until every node says `cluster_state:ok`.
 *
 * @example
 * const cluster = await startRedisCluster(3);
 * const backend = createRedisBackend({ cluster: { nodes: cluster.nodes } });
 */
export async function startRedisCluster(masters = 3): Promise<RedisClusterHandle> {
  const servers: RedisServerHandle[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      // The node config file lands in the server's own temporary directory (`--dir`).
      const args = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"];
      servers.push(await startRedisServer({ args: [...args, "--cluster-node-timeout", "2000"] }));
    }
    const nodes = servers.map((s) => ({ host: "127.0.0.1", port: s.port }));
    const addresses = nodes.map((n) => `${n.host}:${n.port}`);
    await exec(REDIS_CLI_BIN, [
      "--cluster",
      "create",
      ...addresses,
      "--cluster-replicas",
      "0",
      "--cluster-yes",
    ]);
    for (const s of servers) {
      await waitFor(
        `cluster_state:ok on ${s.port}`,
        async () => (await probe(s.port, "CLUSTER INFO")).includes("cluster_state:ok"),
        20_000,
      );
    }
    return { nodes, servers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** True when `redis-server` can be run here (tests fail instead of skipping under `CI=true`). */
export async function redisServerAvailable(): Promise<boolean> {
  try {
    await exec(REDIS_SERVER_BIN, ["--version"]);
    return true;
  } catch {
    return false;
  }
}

/**
 * {@link startRedisServer}, or `undefined` where no `redis-server` can be started, for tests that
 * then skip, loudly named; under `CI=true` the failure is thrown instead, so that CI never skips them.
 *
 * @example
 * redis = await redisServerOrSkip();
 * if (!redis) return; // each test: if (!redis) return ctx.skip("redis-server could not be started here")
 */
export async function redisServerOrSkip(
  options: RedisServerOptions = {},
): Promise<RedisServerHandle | undefined> {
  try {
    return await startRedisServer(options);
  } catch (error) {
    if (process.env.CI === "true") throw error;
    return undefined;
  }
}

/** A Redis server for the tests of one file: the one `REDIS_URL` names, or one started for them. */
export interface TestRedis {
  readonly url: string;
  /** Stop the server when the harness started it; a `REDIS_URL` server is left alone. */
  stop(): Promise<void>;
}

/**
 * `REDIS_URL` when set; otherwise {@link startRedisServer}. For tests that need a Redis but neither
 * stop nor restart it (those start their own).
 *
 * @example
 * const redis = await testRedis();
 * afterAll(() => redis.stop());
 */
export async function testRedis(): Promise<TestRedis> {
  const given = process.env.REDIS_URL;
  if (given) return { url: given, stop: async () => undefined };
  const server = await startRedisServer();
  return { url: server.url, stop: () => server.stop() };
}
