import {
  cacheScope,
  type MemoryBackend,
  memoriesScope,
  memoryChangesScope,
  messagesScope,
  sessionsScope,
} from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { expectCode, setup } from "../test/fixture.js";
import { allRecords } from "./forget.js";
import { createMemoryStore, type MemoryStore } from "./index.js";

const DAY = 86_400_000;

/** Everything the namespace holds, read through the port: records, logs, cache, the change log. */
async function rawListing(backend: MemoryBackend & { rawKeys(ns: string): Promise<string[]> }, ns: string) {
  const out: unknown[] = [await backend.rawKeys(ns)];
  for await (const r of allRecords(backend, sessionsScope(ns))) {
    out.push(r, await backend.readLog(messagesScope(ns, r.key)));
    for await (const c of allRecords(backend, cacheScope(ns, r.key))) out.push(c);
  }
  for await (const r of allRecords(backend, memoriesScope(ns))) out.push(r);
  out.push(await backend.logLength(memoryChangesScope(ns)));
  return JSON.stringify(out);
}

async function seed(store: MemoryStore, clock: { advance(ms: number): void }) {
  await store.sessions.create({ id: "old-work-2026-01-05" });
  await store.messages.append({ sessionId: "old-work-2026-01-05", content: "first" });
  await store.sessions.complete({ id: "old-work-2026-01-05" });
  await store.sessions.create({ id: "arch-work-2026-01-05" });
  await store.sessions.archive({ id: "arch-work-2026-01-05" });
  await store.sessions.create({ id: "busy-work-2026-01-05" });
  const obs = await store.memories.create({ content: "Flaky test seen once", importance: 0.1 });
  const pinned = await store.memories.create({ content: "Never drop", importance: 0.1, pinned: true });
  const lesson = await store.memories.create({
    content: "Pool connections",
    kind: "lesson",
    importance: 0.9,
  });
  const soon = await store.memories.create({
    content: "Freeze until Friday",
    importance: 0.9,
    expiresAt: new Date(Date.parse("2026-11-25T12:00:00.000Z") + DAY).toISOString(),
  });
  clock.advance(100 * DAY);
  // The busy session's record is as old as the others, but it was written to just now.
  await store.messages.append({ sessionId: "busy-work-2026-01-05", content: "late note" });
  await store.sessions.create({ id: "scratch-work-2026-01-05", tags: ["scratch"] });
  await store.cache.set({ sessionId: "scratch-work-2026-01-05", key: "k", value: 1, ttlMs: 3_600_000 });
  return { obs, pinned, lesson, soon };
}

describe("forget", () => {
  it("--dry-run changes nothing; the real run deletes exactly the receipt's ids", async () => {
    const { store, backend, namespace, clock } = setup();
    const m = await seed(store, clock);
    const rules = [
      { layer: "sessions" as const, olderThanMs: 90 * DAY },
      { layer: "sessions" as const, tags: ["scratch"] },
      { layer: "memories" as const, importanceBelow: 0.5 },
      { layer: "memories" as const, expired: true as const },
    ];
    const before = await rawListing(backend, namespace);
    const dry = await store.forget({ rules, dryRun: true });
    expect(await rawListing(backend, namespace)).toBe(before);
    expect(dry).toMatchObject({
      dryRun: true,
      sessions: { count: 3, ids: ["arch-work-2026-01-05", "old-work-2026-01-05", "scratch-work-2026-01-05"] },
      messages: 1,
      cache: 1,
      memories: { count: 2, ids: [m.obs.id, m.soon.id].sort() },
      skipped: [],
    });
    const real = await store.forget({ rules });
    expect({ ...real, dryRun: true }).toEqual(dry);
    // What is left is exactly what the receipt did not name.
    const sessions = (await backend.list(sessionsScope(namespace))).items.map((r) => r.key).sort();
    expect(sessions).toEqual(["busy-work-2026-01-05"]);
    expect(await backend.logLength(messagesScope(namespace, "busy-work-2026-01-05"))).toBe(1);
    const memories = (await backend.list(memoriesScope(namespace))).items.map((r) => r.key).sort();
    expect(memories).toEqual([m.pinned.id, m.lesson.id].sort());
    expect(await backend.logLength(messagesScope(namespace, "old-work-2026-01-05"))).toBe(0);
    expect((await backend.list(cacheScope(namespace, "scratch-work-2026-01-05"))).items).toEqual([]);
    // Search no longer finds what went; a second run finds nothing more.
    expect(await store.memories.search({ query: "flaky" })).toEqual([]);
    const again = await store.forget({ rules });
    expect(again.sessions.count + again.memories.count).toBe(0);
  });

  it("a failure after a session was archived for its deletion: the same forget run again finishes it", async () => {
    const { backend, clock, namespace } = setup();
    const writer = createMemoryStore({ backend, clock, namespace });
    await seed(writer, clock);
    let armed = true;
    const faulty = Object.assign(Object.create(backend) as typeof backend, {
      deleteLog: async (scope: Parameters<typeof backend.deleteLog>[0]) => {
        if (armed && scope.collection === "messages") throw new Error("disk went away");
        return backend.deleteLog(scope);
      },
    });
    const rules = [{ layer: "sessions" as const, status: ["completed" as const], olderThanMs: 30 * DAY }];
    const dry = await writer.forget({ rules, dryRun: true });
    expect(dry.sessions.ids).toEqual(["old-work-2026-01-05"]);
    const crashing = createMemoryStore({ backend: faulty, clock, namespace });
    await expect(crashing.forget({ rules })).rejects.toThrow(/disk went away/);
    // The session was archived (so that writes stop) before its data was to go: it no longer looks
    // completed nor old, yet the rerun takes it.
    expect((await writer.sessions.get({ id: "old-work-2026-01-05" })).status).toBe("archived");
    armed = false;
    expect(await crashing.forget({ rules, dryRun: true })).toMatchObject({
      sessions: { ids: ["old-work-2026-01-05"] },
      messages: 1,
    });
    const done = await crashing.forget({ rules });
    expect(done).toMatchObject({ sessions: { ids: ["old-work-2026-01-05"] }, messages: 1 });
    await expectCode(writer.sessions.get({ id: "old-work-2026-01-05" }), "SESSION_NOT_FOUND");
    expect(await backend.logLength(messagesScope(namespace, "old-work-2026-01-05"))).toBe(0);
    expect((await writer.forget({ rules, dryRun: true })).sessions.ids).toEqual([]);
  });

  it("takes sessions by status and by time archived", async () => {
    const { store, clock } = setup();
    await seed(store, clock);
    const archived = await store.forget({
      rules: [{ layer: "sessions", archivedForMs: 30 * DAY }],
      dryRun: true,
    });
    expect(archived.sessions.ids).toEqual(["arch-work-2026-01-05"]);
    const longer = await store.forget({
      rules: [{ layer: "sessions", archivedForMs: 101 * DAY }],
      dryRun: true,
    });
    expect(longer.sessions.ids).toEqual([]);
    const done = await store.forget({ rules: [{ layer: "sessions", status: ["completed"] }], dryRun: true });
    expect(done).toMatchObject({ sessions: { ids: ["old-work-2026-01-05"] }, messages: 1 });
  });

  it("never takes a pinned memory by rule, and takes one named by id", async () => {
    const { store, clock } = setup();
    const m = await seed(store, clock);
    const byRule = await store.forget({ rules: [{ layer: "memories", importanceBelow: 0.5 }], dryRun: true });
    expect(byRule.memories.ids).toEqual([m.obs.id]);
    const named = await store.forget({ memoryIds: [m.pinned.id] });
    expect(named.memories.ids).toEqual([m.pinned.id]);
    await expectCode(store.memories.get({ id: m.pinned.id }), "MEMORY_NOT_FOUND");
  });

  it("names what it could not find, and what changed between selection and deletion", async () => {
    const { store, clock } = setup();
    await seed(store, clock);
    const r = await store.forget({
      sessionIds: ["gone-work-2026-01-05", "busy-work-2026-01-05"],
      memoryIds: ["mem_01M972AVQND8XZZ8CFDK069T7J"],
    });
    expect(r.sessions.ids).toEqual(["busy-work-2026-01-05"]);
    expect(r.skipped).toEqual([
      { id: "gone-work-2026-01-05", reason: "not found" },
      { id: "mem_01M972AVQND8XZZ8CFDK069T7J", reason: "not found" },
    ]);
  });

  it("leaves alone a memory changed between the selection and its deletion", async () => {
    const { backend, clock, namespace } = setup();
    const writer = createMemoryStore({ backend, clock, namespace });
    const m = await writer.memories.create({ content: "Low value note", importance: 0.1 });
    let raced = false;
    // Another writer raises the memory's importance right after forget has listed the memories.
    const racing: MemoryBackend = Object.create(backend);
    racing.list = async (scope, options) => {
      const page = await backend.list(scope, options);
      if (scope.collection === "memories" && !raced) {
        raced = true;
        await writer.memories.update({ id: m.id, importance: 0.9 });
      }
      return page;
    };
    const store = createMemoryStore({ backend: racing, clock, namespace });
    const r = await store.forget({ rules: [{ layer: "memories", importanceBelow: 0.5 }] });
    expect(raced).toBe(true);
    expect(r.memories.ids).toEqual([]);
    expect(r.skipped).toEqual([{ id: m.id, reason: "changed since selected" }]);
    expect((await writer.memories.get({ id: m.id })).importance).toBe(0.9);
  });

  it("refuses a rule without a condition, or with one of another layer", async () => {
    const { store, backend, namespace, clock } = setup();
    await seed(store, clock);
    const before = await rawListing(backend, namespace);
    const empty = await expectCode(store.forget({ rules: [{ layer: "memories" }] }), "VALIDATION_FAILED");
    expect(empty.message).toContain("at least one condition");
    const wrong = await expectCode(
      store.forget({ rules: [{ layer: "memories", status: ["completed"] } as never] }),
      "VALIDATION_FAILED",
    );
    expect(wrong.message).toMatch(/status.*does not apply to memories/);
    await expectCode(store.forget({ rules: [{ layer: "sessions", olderThanMs: -1 }] }), "VALIDATION_FAILED");
    await expectCode(store.forget({ memoryIds: ["../etc/passwd"] }), "VALIDATION_FAILED");
    const hostile = JSON.parse('{"layer":"sessions","tags":["x"],"__proto__":{"polluted":true}}');
    await expectCode(store.forget({ rules: [hostile] }), "VALIDATION_FAILED");
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(await rawListing(backend, namespace)).toBe(before);
  });

  it("adds the configured rules only with applyPolicy", async () => {
    const { store, clock } = setup();
    const m = await seed(store, clock);
    const policy = [{ layer: "memories" as const, importanceBelow: 0.5 }];
    expect((await store.forget({ dryRun: true }, { policy })).memories.count).toBe(0);
    expect((await store.forget({ applyPolicy: true, dryRun: true }, { policy })).memories.ids).toEqual([
      m.obs.id,
    ]);
  });
});
