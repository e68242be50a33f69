import { fileURLToPath } from "node:url";
import { describeBackendConformance } from "@tta-dev/testkit";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { afterAll, describe } from "vitest";
import { createRedisBackend, type RedisBackend } from "../src/index.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();
const server: RedisServerHandle | null = enabled ? await startRedisServer() : null;
afterAll(async () => {
  await server?.stop();
});

describe.runIf(enabled)("single redis-server", () => {
  const url = server?.url ?? "redis://127.0.0.1:1";
  describeBackendConformance({
    name: "redis (single node)",
    create: async ({ clock }) => createRedisBackend({ url, clock }),
    createPeer: async (_first, { clock }) => createRedisBackend({ url, clock }),
    rawKeys: (backend, namespace) => (backend as RedisBackend).rawKeys(namespace),
    childProcess: {
      module: fileURLToPath(new URL("./child-backend.ts", import.meta.url)),
      env: { TTA_REDIS_URL: url },
    },
  });
});
