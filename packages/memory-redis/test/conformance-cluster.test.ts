import { fileURLToPath } from "node:url";
import { describeBackendConformance } from "@tta-dev/testkit";
import { type RedisClusterHandle, startRedisCluster } from "@tta-dev/testkit/redis";
import { afterAll, describe } from "vitest";
import { createRedisBackend, type RedisBackend } from "../src/index.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();
const cluster: RedisClusterHandle | null = enabled ? await startRedisCluster(3) : null;
afterAll(async () => {
  await cluster?.stop();
});

describe.runIf(enabled)("3-master Redis Cluster", () => {
  const nodes = cluster?.nodes ?? [];
  describeBackendConformance({
    name: "redis (cluster)",
    create: async ({ clock }) => createRedisBackend({ cluster: { nodes }, clock }),
    createPeer: async (_first, { clock }) => createRedisBackend({ cluster: { nodes }, clock }),
    rawKeys: (backend, namespace) => (backend as RedisBackend).rawKeys(namespace),
    childProcess: {
      module: fileURLToPath(new URL("./child-backend.ts", import.meta.url)),
      env: { TTA_REDIS_CLUSTER: nodes.map((n) => `${n.host}:${n.port}`).join(",") },
    },
  });
});
