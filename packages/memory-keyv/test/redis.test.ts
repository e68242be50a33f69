import { setTimeout as sleep } from "node:timers/promises";
import KeyvRedis, { createKeyv } from "@keyv/redis";
import { keyFor } from "@tta-dev/core";
import { describeBackendConformance, freshNamespace, listAll } from "@tta-dev/testkit";
import { type TestRedis, testRedis } from "@tta-dev/testkit/redis";
import { Keyv } from "keyv";
import { afterAll, describe, expect, it } from "vitest";
import { createKeyvBackend, type KeyvBackend } from "../src/index.js";

let server: TestRedis | undefined;
let reason = "";
try {
  server = await testRedis();
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

  describe("keyv backend on Redis", () => {
    it("works over @keyv/redis createKeyv, whose keys carry no Keyv prefix", async () => {
      const keyv = createKeyv(url);
      const backend = createKeyvBackend({ keyv });
      const namespace = freshNamespace("kr");
      const scope = { namespace, collection: "notes" };
      try {
        expect(backend.capabilities.durability).toBe("os");
        await backend.put(scope, "b", 2);
        await backend.put(scope, "a", 1, { ifVersion: 0 });
        await backend.append(scope, [{ value: "m", idempotencyKey: "i" }]);
        expect(await listAll(backend, scope)).toEqual(["a", "b"]);
        expect(await backend.rawKeys(namespace)).toContain(keyFor(scope, "r", "a"));
        await backend.clear(scope);
        await backend.deleteLog(scope);
        expect(await backend.rawKeys(namespace)).toEqual([]);
      } finally {
        await backend.close();
        await keyv.disconnect();
      }
    });

    it("hands the TTL to Redis with the system clock, so Redis drops the key itself", async () => {
      const keyv = new Keyv({ store: new KeyvRedis(url), namespace: "tta-test" });
      const backend = createKeyvBackend({ keyv });
      const namespace = freshNamespace("kr");
      const scope = { namespace, collection: "notes" };
      try {
        await backend.put(scope, "brief", 1, { ttlMs: 150 });
        expect(await backend.rawKeys(namespace)).toContain(keyFor(scope, "r", "brief"));
        await sleep(400);
        expect(await backend.rawKeys(namespace)).not.toContain(keyFor(scope, "r", "brief"));
        expect(await backend.get(scope, "brief")).toBeNull();
      } finally {
        await backend.close();
        await keyv.disconnect();
      }
    });
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
