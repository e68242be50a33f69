/**
 * Backend factory for child processes (conformance and fault tests): configuration from the
 * environment — `TTA_REDIS_URL` for one server, or `TTA_REDIS_CLUSTER` (`host:port,host:port,…`).
 */
import type { MemoryBackend } from "@tta-dev/core";
import { createRedisBackend } from "../src/index.js";

export async function createBackend(): Promise<MemoryBackend> {
  const cluster = process.env.TTA_REDIS_CLUSTER;
  const commandTimeoutMs = Number(process.env.TTA_REDIS_TIMEOUT_MS ?? 2000);
  if (cluster) {
    const nodes = cluster.split(",").map((hp) => {
      const [host, port] = hp.split(":");
      return { host: host!, port: Number(port) };
    });
    return createRedisBackend({ cluster: { nodes }, commandTimeoutMs });
  }
  const url = process.env.TTA_REDIS_URL;
  if (!url) throw new Error("child-backend: set TTA_REDIS_URL or TTA_REDIS_CLUSTER");
  return createRedisBackend({ url, commandTimeoutMs });
}
