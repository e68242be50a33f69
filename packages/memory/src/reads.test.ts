import { describe, expect, it } from "vitest";
import { countingBackend, SID, setup } from "../test/fixture.js";

describe("session layer reads", () => {
  it("load a session, its latest messages and its live cache in one round trip", async () => {
    const { store, backend, clock } = setup();
    await store.sessions.create({ id: SID, title: "T" });
    await store.messages.appendBatch({
      sessionId: SID,
      messages: [{ content: "a" }, { content: "b" }, { content: "c" }],
    });
    await store.cache.set({ sessionId: SID, key: "short", value: 1, ttlMs: 1000 });
    await store.cache.set({ sessionId: SID, key: "long", value: 2, ttlMs: 60_000 });
    clock.advance(2000);
    const counting = countingBackend(backend);
    const reads = store.reads(SID);
    const [s, log, cache] = await counting.batch([reads.session(), reads.lastMessages(2), reads.cache(100)]);
    expect(counting.calls).toBe(1);
    expect(reads.decodeSession(s)).toMatchObject({ id: SID, title: "T" });
    expect(reads.decodeMessages(log).map((m) => m.content)).toEqual(["b", "c"]);
    expect(reads.decodeCache(cache, clock.now()).map((e) => e.key)).toEqual(["long"]);
    const [missing] = await backend.batch([store.reads("none-such-2025-01-01").session()]);
    expect(store.reads("none-such-2025-01-01").decodeSession(missing)).toBeNull();
  });
});
