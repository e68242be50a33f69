import { createManualClock } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { describe, expect, it } from "vitest";
import { expectCode, SID, setup, T0 } from "../test/fixture.js";
import { createMemoryStore } from "./index.js";

describe("cache", () => {
  it("sets with the default TTL of one hour and gets the entry back", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID });
    const entry = await store.cache.set({ sessionId: SID, key: "plan", value: { steps: [1, 2] } });
    expect(entry).toEqual({
      sessionId: SID,
      key: "plan",
      value: { steps: [1, 2] },
      createdAt: T0,
      expiresAt: "2026-11-25T13:00:00.000Z",
      version: 1,
    });
    expect(await store.cache.get({ sessionId: SID, key: "plan" })).toEqual(entry);
    expect(await store.cache.get({ sessionId: SID, key: "other" })).toBeNull();
  });

  it("accepts TTLs from 1 s to 30 d and refuses others with VALIDATION_FAILED", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID });
    await store.cache.set({ sessionId: SID, key: "a", value: 1, ttlMs: 1000 });
    await store.cache.set({ sessionId: SID, key: "b", value: 1, ttlMs: 30 * 86_400_000 });
    for (const ttlMs of [0, 999, 30 * 86_400_000 + 1, 1.5, -1]) {
      await expectCode(store.cache.set({ sessionId: SID, key: "c", value: 1, ttlMs }), "VALIDATION_FAILED");
    }
    expect(await store.cache.get({ sessionId: SID, key: "c" })).toBeNull();
  });

  it("never returns an expired entry", async () => {
    const { store, clock } = setup();
    await store.sessions.create({ id: SID });
    await store.cache.set({ sessionId: SID, key: "short", value: 1, ttlMs: 1000 });
    await store.cache.set({ sessionId: SID, key: "long", value: 2, ttlMs: 60_000 });
    clock.advance(1000);
    expect(await store.cache.get({ sessionId: SID, key: "short" })).toBeNull();
    expect((await store.cache.list({ sessionId: SID })).items.map((e) => e.key)).toEqual(["long"]);
  });

  it("filters expiry by its own clock even when the backend still returns the record", async () => {
    const backendClock = createManualClock(T0);
    const storeClock = createManualClock(T0);
    const backend = createInMemoryBackend({ clock: backendClock });
    const store = createMemoryStore({ backend, clock: storeClock, namespace: "lagging" });
    await store.sessions.create({ id: SID });
    await store.cache.set({ sessionId: SID, key: "k", value: 1, ttlMs: 1000 });
    storeClock.advance(5000); // the backend has not seen time pass: it still returns the record
    expect(
      await backend.get({ namespace: "lagging", collection: "cache", partition: SID }, "k"),
    ).not.toBeNull();
    expect(await store.cache.get({ sessionId: SID, key: "k" })).toBeNull();
    expect((await store.cache.list({ sessionId: SID })).items).toEqual([]);
    expect(
      store
        .reads(SID)
        .decodeCache(await backend.batch([store.reads(SID).cache(10)]).then((r) => r[0]), storeClock.now()),
    ).toEqual([]);
  });

  it("versions each overwrite and honours ifVersion", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID });
    await store.cache.set({ sessionId: SID, key: "k", value: 1 });
    const second = await store.cache.set({ sessionId: SID, key: "k", value: 2, ifVersion: 1 });
    expect(second).toMatchObject({ value: 2, version: 2 });
    const error = await expectCode(
      store.cache.set({ sessionId: SID, key: "k", value: 3, ifVersion: 1 }),
      "VERSION_CONFLICT",
    );
    expect(error.details).toMatchObject({ currentVersion: 2 });
    await expectCode(store.cache.delete({ sessionId: SID, key: "k", ifVersion: 1 }), "VERSION_CONFLICT");
    expect((await store.cache.get({ sessionId: SID, key: "k" }))?.value).toBe(2);
    await expectCode(
      store.cache.set({ sessionId: SID, key: "new", value: 1, ifVersion: 1 }),
      "VERSION_CONFLICT",
    );
    expect(await store.cache.set({ sessionId: SID, key: "new", value: 1, ifVersion: 0 })).toMatchObject({
      version: 1,
    });
  });

  it("lists in key order with pagination, deletes and clears with receipts", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID });
    for (const key of ["c", "a", "b", "d"]) await store.cache.set({ sessionId: SID, key, value: key });
    const first = await store.cache.list({ sessionId: SID, limit: 3 });
    expect(first.items.map((e) => e.key)).toEqual(["a", "b", "c"]);
    const rest = await store.cache.list({ sessionId: SID, limit: 3, cursor: first.nextCursor! });
    expect(rest).toMatchObject({ nextCursor: null });
    expect(rest.items.map((e) => e.key)).toEqual(["d"]);
    expect(await store.cache.delete({ sessionId: SID, key: "a" })).toEqual({ sessionId: SID, cache: 1 });
    expect(await store.cache.delete({ sessionId: SID, key: "a" })).toEqual({ sessionId: SID, cache: 0 });
    expect(await store.cache.clear({ sessionId: SID })).toEqual({ sessionId: SID, cache: 3 });
    expect((await store.cache.list({ sessionId: SID })).items).toEqual([]);
  });

  it("needs an existing session, and an active one to write", async () => {
    const { store } = setup();
    await expectCode(store.cache.set({ sessionId: SID, key: "k", value: 1 }), "SESSION_NOT_FOUND");
    await expectCode(store.cache.get({ sessionId: SID, key: "k" }), "SESSION_NOT_FOUND");
    await expectCode(store.cache.list({ sessionId: SID }), "SESSION_NOT_FOUND");
    await store.sessions.create({ id: SID });
    await store.cache.set({ sessionId: SID, key: "k", value: 1 });
    await store.sessions.archive({ id: SID });
    await expectCode(store.cache.set({ sessionId: SID, key: "k", value: 2 }), "SESSION_NOT_ACTIVE");
    expect((await store.cache.get({ sessionId: SID, key: "k" }))?.value).toBe(1);
  });
});
