import { memoriesScope } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { SID, setup } from "../test/fixture.js";
import { contentKey, dedupeMemoryId } from "./dedupe.js";
import { createMemoryStore } from "./index.js";

describe("contentKey", () => {
  it("sets aside case, accents, spacing and punctuation, and keeps every word", () => {
    expect(contentKey("  Pool  Redis connections!  ")).toBe("pool redis connections");
    expect(contentKey("Café — crème.")).toBe(contentKey("cafe creme"));
    expect(contentKey("Do not retry")).not.toBe(contentKey("Retry"));
    expect(contentKey("retries")).not.toBe(contentKey("retry")); // not stemmed: another text
  });
});

describe("memory.create with dedupe", () => {
  it("returns the stored memory of the same kind and text instead of another", async () => {
    const { store, backend, namespace } = setup();
    const first = await store.memories.create({ content: "Pool Redis connections", kind: "lesson" });
    const again = await store.memories.create({
      content: "pool  redis connections.",
      kind: "lesson",
      tags: ["redis"],
      dedupe: true,
    });
    expect(again).toEqual(first); // unchanged: the tags of the second call are not merged
    // Another kind is another memory; without dedupe a copy is stored.
    const observed = await store.memories.create({ content: "Pool Redis connections", dedupe: true });
    expect(observed.id).not.toBe(first.id);
    expect(observed.kind).toBe("observation");
    await store.memories.create({ content: "Pool Redis connections", kind: "lesson" });
    const { items } = await backend.list(memoriesScope(namespace));
    expect(items).toHaveLength(3);
    // With several copies, the first created is the one returned.
    const third = await store.memories.create({
      content: "POOL REDIS CONNECTIONS",
      kind: "lesson",
      dedupe: true,
    });
    expect(third.id).toBe(first.id);
  });

  it("finds a text of stop words only, and does not take a longer text for it", async () => {
    const { store } = setup();
    const onIt = await store.memories.create({ content: "On it.", dedupe: true });
    expect((await store.memories.create({ content: "on it", dedupe: true })).id).toBe(onIt.id);
    const longer = await store.memories.create({ content: "On it, done", dedupe: true });
    expect(longer.id).not.toBe(onIt.id);
  });

  it("does not return a deleted memory, nor one whose text has changed", async () => {
    const { store } = setup();
    const m = await store.memories.create({ content: "Shard by tenant", kind: "decision", dedupe: true });
    await store.memories.update({ id: m.id, content: "Shard by region" });
    const fresh = await store.memories.create({ content: "Shard by tenant", kind: "decision", dedupe: true });
    expect(fresh.id).not.toBe(m.id);
    expect(fresh.content).toBe("Shard by tenant");
    await store.memories.delete({ id: fresh.id });
    const after = await store.memories.create({ content: "Shard by tenant", kind: "decision", dedupe: true });
    expect(after.id).not.toBe(fresh.id);
    expect((await store.memories.search({ query: "tenant" })).map((h) => h.memory.id)).toEqual([after.id]);
  });

  it("checks links before it looks: a missing session fails even when the text exists", async () => {
    const { store } = setup();
    await store.memories.create({ content: "Pool Redis connections" });
    await expect(
      store.memories.create({ content: "Pool Redis connections", sessionId: SID, dedupe: true }),
    ).rejects.toMatchObject({ code: "SESSION_NOT_FOUND" });
  });

  it("stores one memory when two stores (two indexes) race with the same text", async () => {
    const { backend, clock, namespace } = setup();
    const open = () => createMemoryStore({ backend, clock, namespace });
    const [a, b] = [open(), open()];
    const made = await Promise.all([
      a.memories.create({ content: "Retry with jitter", kind: "lesson", dedupe: true }),
      b.memories.create({ content: "retry, with jitter", kind: "lesson", dedupe: true }),
    ]);
    expect(made[0].id).toBe(made[1].id);
    expect(made[0].id).toBe(dedupeMemoryId("lesson", "retry with jitter", clock.now()));
    expect(await a.memories.search({ query: "jitter" })).toHaveLength(1);
  });
});

describe("session.complete lessons", () => {
  it("returns a lesson another session already stored instead of a copy", async () => {
    const { store, backend, namespace } = setup();
    await store.sessions.create({ id: "redis-perf-2026-11-25" });
    await store.sessions.create({ id: "redis-pool-2026-11-25" });
    const { lessons: first } = await store.sessions.complete({
      id: "redis-perf-2026-11-25",
      lessons: ["Pipeline batch writes"],
    });
    const { lessons: second } = await store.sessions.complete({
      id: "redis-pool-2026-11-25",
      lessons: ["pipeline batch writes.", "Size the pool to the cores"],
    });
    expect(second[0]).toEqual(first[0]);
    expect(second[0]!.sessionId).toBe("redis-perf-2026-11-25");
    expect(second[1]!.sessionId).toBe("redis-pool-2026-11-25");
    expect((await backend.list(memoriesScope(namespace))).items).toHaveLength(2);
  });
});
