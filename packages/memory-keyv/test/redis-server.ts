import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** A Redis server for one test file. */
export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

/** `REDIS_SERVER_BIN`, else Debian's `/usr/bin/redis-server`, else whatever `PATH` finds. */
const REDIS_BINARY =
  process.env.REDIS_SERVER_BIN ??
  (existsSync("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    let answer = "";
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      if (answer.includes("\r\n")) {
        socket.end();
        resolve(answer.startsWith("+PONG"));
      }
    });
  });
}

/**
 * `REDIS_URL` when set; otherwise start `redis-server` on a free port with no persistence, and
 * wait until it answers PING. The caller stops it (only a server it started is stopped). `own`
 * (or a `port`) starts a server even when `REDIS_URL` is set: outage tests stop and restart theirs.
 */
export async function startRedisServer(options: { port?: number; own?: boolean } = {}): Promise<RedisServer> {
  if (process.env.REDIS_URL && !options.own && options.port === undefined)
    return { url: process.env.REDIS_URL, stop: async () => undefined };
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    REDIS_BINARY,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const failed = new Promise<Error>((resolve) => child.once("error", resolve));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const early = await Promise.race([failed, sleep(50).then(() => null)]);
    if (early) throw new Error(`Cannot start ${REDIS_BINARY}: ${early.message}`);
    if (await ping(port)) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${REDIS_BINARY} did not answer PING on port ${port} within 10 s`);
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(3_000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}
