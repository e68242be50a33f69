import KeyvRedis from "@keyv/redis";
import { codeOf } from "@tta-dev/testkit";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { Keyv } from "keyv";
import { afterAll, describe, expect, it } from "vitest";
import { createKeyvBackend } from "../src/index.js";

const scope = { namespace: `outage-${Date.now().toString(36)}`, collection: "notes" };

let server: RedisServerHandle | undefined;
let reason = "";
try {
  server = await startRedisServer();
} catch (error) {
  reason = error instanceof Error ? error.message : String(error);
}

if (server) {
  const current = server;
  describe("keyv backend on Redis when the server goes away", () => {
    afterAll(async () => current.stop());

    it("fails BACKEND_UNAVAILABLE within the timeout while down, and works again once back", async () => {
      const keyv = new Keyv({ store: new KeyvRedis(current.url), namespace: "tta-test" });
      const backend = createKeyvBackend({ keyv, timeoutMs: 1_500 });
      try {
        await backend.put(scope, "a", 1);
        await current.kill();

        for (const call of [
          () => backend.get(scope, "a"),
          () => backend.put(scope, "b", 2),
          () => backend.readLog(scope),
        ]) {
          const started = Date.now();
          expect(await codeOf(call())).toBe("BACKEND_UNAVAILABLE");
          expect(Date.now() - started).toBeLessThan(3_000);
        }

        await current.restart(); // on the same port
        let back: unknown;
        for (let i = 0; i < 40; i++) {
          back = await codeOf(backend.put(scope, "c", 3));
          if (back === undefined) break;
          await new Promise((r) => setTimeout(r, 250));
        }
        expect(back).toBeUndefined();
        expect((await backend.get(scope, "c"))?.value).toBe(3);
      } finally {
        await backend.close();
        await keyv.disconnect();
      }
    }, 30_000);
  });
} else {
  describe("keyv backend on Redis when the server goes away", () => {
    const title = `needs redis-server: ${reason}`;
    if (process.env.CI === "true")
      it(title, () => {
        throw new Error(reason);
      });
    else it.skip(title, () => undefined);
  });
}
