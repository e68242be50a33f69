import { describe, expect, it } from "vitest";
import { expectCode, SID, setup, T0 } from "../test/fixture.js";

describe("deep memory", () => {
  it("creates with defaults, a mem_<ulid> id and version 1", async () => {
    const { store } = setup();
    const m = await store.memories.create({ content: "Pool Redis connections" });
    expect(m).toEqual({
      id: expect.stringMatching(/^mem_[0-9A-HJKMNP-TV-Z]{26}$/),
      content: "Pool Redis connections",
      kind: "observation",
      tags: [],
      importance: 0.5,
      groupIds: [],
      pinned: false,
      createdAt: T0,
      updatedAt: T0,
      version: 1,
    });
    expect(await store.memories.get({ id: m.id })).toEqual(m);
  });

  it("draws ids that grow monotonically even within one millisecond", async () => {
    const { store } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await store.memories.create({ content: `m${i}` })).id);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(20);
  });

  it("fails MEMORY_NOT_FOUND for a missing memory and VALIDATION_FAILED for a malformed id", async () => {
    const { store } = setup();
    const id = "mem_01M8997DG0NE74EGQHHAKYBGPV";
    await expectCode(store.memories.get({ id }), "MEMORY_NOT_FOUND");
    await expectCode(store.memories.update({ id, content: "x" }), "MEMORY_NOT_FOUND");
    await expectCode(store.memories.delete({ id }), "MEMORY_NOT_FOUND");
    await expectCode(store.memories.delete({ id, ifVersion: 1 }), "MEMORY_NOT_FOUND");
    await expectCode(store.memories.get({ id: "mem_../../etc" }), "VALIDATION_FAILED");
  });

  it("updates only the given fields, bumping version and updatedAt", async () => {
    const { store, clock } = setup();
    await store.sessions.create({ id: SID });
    const m = await store.memories.create({ content: "a", tags: ["x"], sessionId: SID, groupIds: ["g1"] });
    clock.advance(5000);
    const u = await store.memories.update({ id: m.id, importance: 0.9, pinned: true, tags: ["Y", "z"] });
    expect(u).toEqual({
      ...m,
      importance: 0.9,
      pinned: true,
      tags: ["y", "z"],
      updatedAt: "2026-11-25T12:00:05.000Z",
      version: 2,
    });
    const unlinked = await store.memories.update({ id: m.id, sessionId: null, kind: "decision" });
    expect(unlinked.sessionId).toBeUndefined();
    expect(unlinked).toMatchObject({ kind: "decision", version: 3 });
    const same = await store.memories.update({ id: m.id, kind: "decision" });
    expect(same.version).toBe(3);
  });

  it("honours ifVersion on update and delete with the current version in the error", async () => {
    const { store } = setup();
    const m = await store.memories.create({ content: "a" });
    await store.memories.update({ id: m.id, content: "b", ifVersion: 1 });
    const error = await expectCode(
      store.memories.update({ id: m.id, content: "c", ifVersion: 1 }),
      "VERSION_CONFLICT",
    );
    expect(error.details).toMatchObject({ expected: 1, currentVersion: 2 });
    await expectCode(store.memories.delete({ id: m.id, ifVersion: 1 }), "VERSION_CONFLICT");
    expect(await store.memories.delete({ id: m.id, ifVersion: 2 })).toEqual({ id: m.id, memories: 1 });
    await expectCode(store.memories.get({ id: m.id }), "MEMORY_NOT_FOUND");
  });

  it("never loses a concurrent update when no ifVersion is given", async () => {
    const { store } = setup();
    const m = await store.memories.create({ content: "a" });
    await Promise.all([
      store.memories.update({ id: m.id, importance: 0.8 }),
      store.memories.update({ id: m.id, pinned: true }),
      store.memories.update({ id: m.id, tags: ["t"] }),
      store.memories.update({ id: m.id, kind: "failure" }),
      store.memories.update({ id: m.id, groupIds: ["g"] }),
    ]);
    const final = await store.memories.get({ id: m.id });
    expect(final).toMatchObject({
      importance: 0.8,
      pinned: true,
      tags: ["t"],
      kind: "failure",
      groupIds: ["g"],
      version: 6,
    });
  });

  it("lets exactly one of two concurrent writers with the same ifVersion win", async () => {
    const { store } = setup();
    const m = await store.memories.create({ content: "a" });
    const results = await Promise.allSettled([
      store.memories.update({ id: m.id, content: "b", ifVersion: 1 }),
      store.memories.update({ id: m.id, content: "c", ifVersion: 1 }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected")).toMatchObject([
      { reason: { code: "VERSION_CONFLICT" } },
    ]);
  });

  it("keeps concurrent session transitions consistent", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID });
    const [completed] = await Promise.allSettled([
      store.sessions.complete({ id: SID }),
      store.sessions.archive({ id: SID }),
    ]);
    const s = await store.sessions.get({ id: SID });
    expect(s.status).toBe("archived");
    // Either complete went first (active → completed → archived), or archive did and complete was refused.
    if (completed.status === "fulfilled") expect(s.version).toBe(3);
    else {
      expect((completed.reason as { code?: string }).code).toBe("INVALID_TRANSITION");
      expect(s.version).toBe(2);
    }
  });
});
