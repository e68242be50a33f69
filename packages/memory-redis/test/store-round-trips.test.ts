import { createMemoryStore } from "@tta-dev/memory";
import { expectCode } from "@tta-dev/testkit";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBackend } from "../src/index.js";
import { type CountingProxy, startCountingProxy } from "../src/testing/counting-proxy.js";
import { uniqueNamespace } from "./helpers.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();

describe.runIf(enabled)("round trips of the public memory store on a single server", () => {
  let server: RedisServerHandle | null = null;
  let proxy: CountingProxy | null = null;
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  async function trips(fn: () => Promise<unknown>): Promise<number> {
    proxy!.reset();
    await fn();
    return proxy!.roundTrips();
  }

  it("costs 1 round trip per messages.append, appendBatch and list, with the session checked in it", async () => {
    server = await startRedisServer();
    proxy = await startCountingProxy(server.port);
    const backend = createRedisBackend({ url: `redis://127.0.0.1:${proxy.port}` });
    const store = createMemoryStore({ backend, namespace: uniqueNamespace("srt") });
    const sessionId = "api-debug-2026-11-25";
    await store.sessions.create({ id: sessionId });
    // The first append on a socket may send EVAL after a NOSCRIPT; warm every script once.
    await store.messages.append({ sessionId, role: "user", content: "warm" });
    await store.messages.list({ sessionId, last: 1 });

    expect(await trips(() => store.messages.append({ sessionId, role: "user", content: "one" }))).toBe(1);
    expect(
      await trips(() =>
        store.messages.appendBatch({
          sessionId,
          messages: Array.from({ length: 100 }, (_, i) => ({ role: "assistant" as const, content: `m${i}` })),
        }),
      ),
    ).toBe(1);
    let last: unknown[] = [];
    expect(
      await trips(async () => {
        last = (await store.messages.list({ sessionId, last: 50 })).items;
      }),
    ).toBe(1);
    expect(last).toHaveLength(50);
    expect(await trips(() => store.messages.list({ sessionId, afterSeq: 10, limit: 5 }))).toBe(1);

    // The refusals cost the same single round trip and append nothing.
    const before = await backend.logLength({
      namespace: store.namespace,
      collection: "messages",
      partition: sessionId,
    });
    expect(
      await trips(() =>
        expectCode(
          store.messages.append({ sessionId: "no-such-session-2026", content: "x" }),
          "SESSION_NOT_FOUND",
        ),
      ),
    ).toBe(1);
    await store.sessions.complete({ id: sessionId });
    expect(
      await trips(() =>
        expectCode(store.messages.append({ sessionId, content: "late" }), "SESSION_NOT_ACTIVE"),
      ),
    ).toBe(1);
    expect(
      await backend.logLength({ namespace: store.namespace, collection: "messages", partition: sessionId }),
    ).toBe(before);
    await backend.close();
  });
});
