import KeyvPostgres from "@keyv/postgres";
import { hasErrorCode } from "@tta-dev/core";
import { freePort } from "@tta-dev/testkit/node";
import { Keyv } from "keyv";
import { describe, expect, it } from "vitest";
import { createKeyvBackend } from "../src/index.js";

describe("keyv backend on an unreachable PostgreSQL", () => {
  it("fails every call BACKEND_UNAVAILABLE at once instead of reading 'not found'", async () => {
    const port = await freePort(); // nothing listens there
    const keyv = new Keyv({ store: new KeyvPostgres({ uri: `postgres://postgres@127.0.0.1:${port}/test` }) });
    const backend = createKeyvBackend({ keyv, timeoutMs: 5_000 });
    const scope = { namespace: "down", collection: "notes" };
    try {
      for (const call of [
        () => backend.ping(),
        () => backend.get(scope, "a"),
        () => backend.put(scope, "a", 1),
        () => backend.list(scope),
        () => backend.append(scope, [{ value: 1 }]),
        () => backend.logLength(scope),
      ]) {
        const started = Date.now();
        const error = await call().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(hasErrorCode(error, "BACKEND_UNAVAILABLE"), String(error)).toBe(true);
        expect(Date.now() - started).toBeLessThan(4_000);
      }
    } finally {
      await keyv.disconnect();
    }
  });
});
