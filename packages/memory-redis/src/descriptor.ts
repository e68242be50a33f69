import type { BackendDescriptor } from "@tta-dev/core";
import { z } from "zod";
import { createRedisBackend } from "./redis-backend.js";

const RedisConfig = z.strictObject({
  /** `redis://` or `rediss://` URL (default `redis://127.0.0.1:6379`). */
  url: z.string().min(1).optional(),
  /** A command not answered within this many milliseconds fails `BACKEND_UNAVAILABLE`. */
  commandTimeoutMs: z.number().int().positive().optional(),
});

/**
 * `backend: redis`: the `redis:` section gives the URL and the command timeout.
 *
 * @example
 * const backend = await redisBackendDescriptor.open({ url: "redis://127.0.0.1:6379" }, { dataDir: ".tta" });
 */
export const redisBackendDescriptor: BackendDescriptor<z.infer<typeof RedisConfig>> = {
  name: "redis",
  configSchema: RedisConfig,
  open: (config) =>
    createRedisBackend({
      url: config.url ?? "redis://127.0.0.1:6379",
      ...(config.commandTimeoutMs ? { commandTimeoutMs: config.commandTimeoutMs } : {}),
    }),
};
