import KeyvRedis from "@keyv/redis";
import { hasErrorCode } from "@tta-dev/core";
import { Keyv } from "keyv";
import { afterAll, describe, expect, it } from "vitest";
import { createKeyvBackend } from "../src/index.js";
import { type RedisServer, startRedisServer } from "./redis-server.js";

const scope = { namespace: `outage-${Date.now().toString(36)}`, collection: "notes" };

let server: RedisServer | undefined;
let reason = "";
try {
  server = await startRedisServer({ own: true });
} catch (error) {
  reason = error instanceof Error ? error.message : String(error);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

if (server) {
  let current = server;
  describe("keyv backend on Redis when the server goes away", () => {
    afterAll(async () => current.stop());

    it("fails BACKEND_UNAVAILABLE within the timeout while down, and works again once back", async () => {
      const keyv = new Keyv({ store: new KeyvRedis(current.url), namespace: "tta-test" });
      const backend = createKeyvBackend({ keyv, timeoutMs: 1_500 });
      try {
        await backend.put(scope, "a", 1);
        const port = Number(new URL(current.url).port);
        await current.stop();

        for (const call of [
          () => backend.get(scope, "a"),
          () => backend.put(scope, "b", 2),
          () => backend.readLog(scope),
        ]) {
          const started = Date.now();
          const error = await failure(call());
          expect(hasErrorCode(error, "BACKEND_UNAVAILABLE"), String(error)).toBe(true);
          expect(Date.now() - started).toBeLessThan(3_000);
        }

        current = await startRedisServer({ port });
        let back: unknown;
        for (let i = 0; i < 40; i++) {
          back = await failure(backend.put(scope, "c", 3));
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
