import { messagesScope } from "@tta-dev/core";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBackend } from "../src/index.js";
import { type RedisServerHandle, startRedisServer } from "../src/testing/index.js";
import { uniqueNamespace } from "./helpers.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();
const server: RedisServerHandle | null = enabled ? await startRedisServer() : null;
afterAll(async () => {
  await server?.stop();
});

describe.runIf(enabled)("Lua scripts", () => {
  it("survive SCRIPT FLUSH (NOSCRIPT falls back to EVAL), alone and inside a batch pipeline", async () => {
    const raw = new Redis(server!.url);
    const b = createRedisBackend({ url: server!.url });
    const s = messagesScope(uniqueNamespace("noscript"), "s");
    await b.append(s, [{ value: 1 }]);
    await raw.script("FLUSH");
    const [entry] = await b.append(s, [{ value: 2 }]);
    expect(entry?.seq).toBe(2);
    await raw.script("FLUSH");
    const [log, page] = await b.batch([
      { op: "readLog", scope: s },
      { op: "list", scope: s },
    ]);
    expect((log as { value: unknown }[]).map((e) => e.value)).toEqual([1, 2]);
    expect(page).toEqual({ items: [], nextCursor: null });
    const stats = await raw.info("commandstats");
    expect(stats).toMatch(/cmdstat_evalsha:calls=\d+,.*failed_calls=[1-9]/);
    await raw.quit();
    await b.close();
  });
});
