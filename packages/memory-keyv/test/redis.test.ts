import KeyvRedis from "@keyv/redis";
import { describeBackendConformance } from "@tta-dev/testkit";
import { Keyv } from "keyv";
import { afterAll, describe, it } from "vitest";
import { createKeyvBackend, type KeyvBackend } from "../src/index.js";
import { type RedisServer, startRedisServer } from "./redis-server.js";

let server: RedisServer | undefined;
let reason = "";
try {
  server = await startRedisServer();
} catch (error) {
  reason = error instanceof Error ? error.message : String(error);
}
afterAll(async () => server?.stop());

if (server) {
  const url = server.url;
  describeBackendConformance({
    name: "keyv (Redis store)",
    create: async ({ clock }) =>
      createKeyvBackend({ keyv: new Keyv({ store: new KeyvRedis(url), namespace: "tta-test" }), clock }),
    rawKeys: (backend, namespace) => (backend as KeyvBackend).rawKeys(namespace),
    destroy: async (backend) => {
      await backend.close();
      await (backend as KeyvBackend).keyv.disconnect();
    },
  });
} else {
  // A missing server fails the run on CI; elsewhere it is reported as a skipped test, loudly named.
  describe("keyv (Redis store)", () => {
    const title = `needs redis-server or REDIS_URL: ${reason}`;
    if (process.env.CI === "true")
      it(title, () => {
        throw new Error(reason);
      });
    else it.skip(title, () => undefined);
  });
}
