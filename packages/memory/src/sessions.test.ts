import { sessionsScope } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { expectCode, SID, setup, T0 } from "../test/fixture.js";
import { createMemoryStore } from "./index.js";

describe("sessions", () => {
  it("creates a session with version 1, clock timestamps and the parts of its name", async () => {
    const { store } = setup();
    const s = await store.sessions.create({
      id: "agent-orchestration-refactor-2025-10-28",
      title: "T",
      tags: ["Core", "core"],
    });
    expect(s).toMatchObject({
      id: "agent-orchestration-refactor-2025-10-28",
      title: "T",
      tags: ["core"],
      status: "active",
      version: 1,
      createdAt: T0,
      updatedAt: T0,
      metadata: {},
      component: "agent-orchestration",
      purpose: "refactor",
      date: "2025-10-28",
    });
    expect(await store.sessions.get({ id: s.id })).toEqual(s);
  });

  it("refuses a second session with the same id (ALREADY_EXISTS)", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID });
    await expectCode(store.sessions.create({ id: SID }), "ALREADY_EXISTS");
  });

  it("applies the naming policy: strict refuses with the pattern and an example, warn logs, off accepts safe ids", async () => {
    const strict = setup().store;
    const error = await expectCode(strict.sessions.create({ id: "MySession" }), "NAME_INVALID");
    expect(error.message).toContain("{component}-{purpose}-{YYYY-MM-DD}");
    expect(error.message).toContain("user-prefs-feature-2025-10-28");
    await expectCode(strict.sessions.create({ id: "auth-refactor-2025-02-30" }), "NAME_INVALID");

    const warnings: string[] = [];
    const warn = setup({ namingPolicy: "warn", logger: { warn: (m) => warnings.push(m) } }).store;
    const s = await warn.sessions.create({ id: "MySession" });
    expect(s.component).toBeUndefined();
    expect(warnings).toHaveLength(1);

    const off = setup({ namingPolicy: "off" }).store;
    await off.sessions.create({ id: "legacy_session.1" });
    for (const bad of ["../etc", "a/b", "..", "x\u0000y", ""]) {
      await expect(off.sessions.create({ id: bad })).rejects.toMatchObject({
        code: expect.stringMatching(/NAME_INVALID|VALIDATION_FAILED/),
      });
    }
  });

  it("fails SESSION_NOT_FOUND for a missing session", async () => {
    const { store } = setup();
    await expectCode(store.sessions.get({ id: SID }), "SESSION_NOT_FOUND");
    await expectCode(store.sessions.archive({ id: SID }), "SESSION_NOT_FOUND");
    await expectCode(store.sessions.delete({ id: SID }), "SESSION_NOT_FOUND");
  });

  it("lists with status, tag, component and date-range filters", async () => {
    const { store } = setup();
    await store.sessions.create({ id: "auth-design-2025-10-01", tags: ["feature"] });
    await store.sessions.create({ id: "auth-refactor-2025-10-15" });
    await store.sessions.create({ id: "billing-api-fix-2025-11-02", tags: ["feature"] });
    await store.sessions.complete({ id: "auth-refactor-2025-10-15" });
    const ids = async (input: Parameters<typeof store.sessions.list>[0]) =>
      (await store.sessions.list(input)).items.map((s) => s.id);
    expect(await ids({})).toEqual([
      "auth-design-2025-10-01",
      "auth-refactor-2025-10-15",
      "billing-api-fix-2025-11-02",
    ]);
    expect(await ids({ status: "completed" })).toEqual(["auth-refactor-2025-10-15"]);
    expect(await ids({ tag: "FEATURE" })).toEqual(["auth-design-2025-10-01", "billing-api-fix-2025-11-02"]);
    expect(await ids({ component: "billing-api" })).toEqual(["billing-api-fix-2025-11-02"]);
    expect(await ids({ dateFrom: "2025-10-02", dateTo: "2025-11-01" })).toEqual(["auth-refactor-2025-10-15"]);
    expect(await ids({ component: "auth", status: "active" })).toEqual(["auth-design-2025-10-01"]);
  });

  it("pages with a stable order: no session repeated or skipped while others are created and deleted", async () => {
    const { store } = setup();
    const all: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = `comp-p${String(i).padStart(2, "0")}-2025-10-01`;
      all.push(id);
      await store.sessions.create({ id });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let round = 0;
    do {
      const page = await store.sessions.list({ limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor ?? undefined;
      // Changes behind the cursor must not disturb the rest of the walk.
      if (round++ === 1) {
        await store.sessions.delete({ id: all[0]! });
        await store.sessions.create({ id: "aaa-first-2025-10-01" });
      }
    } while (cursor);
    expect(seen).toEqual(all);
    await expectCode(store.sessions.list({ cursor: "garbage" }), "VALIDATION_FAILED");
  });

  it("lists newest first with order newest, paging by the last one's time and id, filters applied", async () => {
    const { store, clock, backend, namespace } = setup();
    const made: string[] = [];
    for (let i = 0; i < 9; i++) {
      // Two sessions share each instant: id order breaks the tie.
      if (i % 2 === 0) clock.advance(1000);
      const id = `${i % 3 === 0 ? "api" : "web"}-n${i}-2025-10-01`;
      made.push(id);
      await store.sessions.create({ id, tags: i % 3 === 0 ? ["api"] : [] });
    }
    const expected = [...made].sort((a, b) => {
      const ia = made.indexOf(a);
      const ib = made.indexOf(b);
      const ta = Math.floor(ia / 2);
      const tb = Math.floor(ib / 2);
      return ta !== tb ? tb - ta : a < b ? -1 : 1;
    });
    const seen: string[] = [];
    let cursor: string | undefined;
    let round = 0;
    do {
      const page = await store.sessions.list({ order: "newest", limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((s) => s.id));
      cursor = page.nextCursor ?? undefined;
      // One created after the walk began is newer than the cursor: the walk goes on without it.
      if (round++ === 0) await store.sessions.create({ id: "late-n9-2025-10-01" });
    } while (cursor);
    expect(seen).toEqual(expected);
    const api = await store.sessions.list({ order: "newest", tag: "api" });
    expect(api.items.map((s) => s.id)).toEqual([
      "api-n6-2025-10-01",
      "api-n3-2025-10-01",
      "api-n0-2025-10-01",
    ]);
    expect((await store.sessions.list({ order: "newest", limit: 1 })).items[0]!.id).toBe(
      "late-n9-2025-10-01",
    );
    const idCursor = (await store.sessions.list({ limit: 1 })).nextCursor!;
    await expectCode(store.sessions.list({ order: "newest", cursor: idCursor }), "VALIDATION_FAILED");
    await expectCode(store.sessions.list({ order: "oldest" as never }), "VALIDATION_FAILED");
    // A record that is not a session fails the listing, as it does in id order.
    await backend.put(sessionsScope(namespace), "zz-bad-2025-10-01", { id: "zz-bad-2025-10-01", tags: "x" });
    await expectCode(store.sessions.list({ order: "newest" }), "BACKEND_CORRUPT");
    await expectCode(store.sessions.list({}), "BACKEND_CORRUPT");
  });

  it("completes a session: lessons become deep memories of kind lesson linked to it, once", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID });
    const { session, lessons } = await store.sessions.complete({
      id: SID,
      lessons: [
        "Pool Redis connections",
        { content: "Name sessions well", tags: ["naming"], importance: 0.9 },
      ],
    });
    expect(session).toMatchObject({ status: "completed", version: 2, completedAt: T0 });
    expect(lessons.map((l) => [l.kind, l.sessionId, l.content])).toEqual([
      ["lesson", SID, "Pool Redis connections"],
      ["lesson", SID, "Name sessions well"],
    ]);
    expect(lessons[1]).toMatchObject({ tags: ["naming"], importance: 0.9 });
    // A retry of the same call stores nothing twice and returns the same lessons.
    const retry = await store.sessions.complete({ id: SID, lessons: ["Pool Redis connections"] });
    expect(retry.session.version).toBe(2);
    expect(retry.lessons.map((l) => l.id)).toEqual([lessons[0]!.id]);
    expect((await store.memories.search({ sessionId: SID })).length).toBe(2);
    // A new lesson on a completed session is stored, never dropped.
    const later = await store.sessions.complete({ id: SID, lessons: ["A later insight"] });
    expect(later.session.version).toBe(2);
    expect(later.lessons.map((l) => l.content)).toEqual(["A later insight"]);
    expect((await store.memories.search({ sessionId: SID })).length).toBe(3);
  });

  it("gives lessons the session's tags and a shared importance, and refuses them on an archived session", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID, tags: ["redis", "perf"] });
    const { lessons } = await store.sessions.complete({
      id: SID,
      importance: 0.8,
      lessons: ["Pipeline the appends", { content: "Own tags too", tags: ["lua"], importance: 0.3 }],
    });
    expect(lessons.map((l) => [l.tags, l.importance])).toEqual([
      [["redis", "perf"], 0.8],
      [["redis", "perf", "lua"], 0.3],
    ]);
    await store.sessions.archive({ id: SID });
    await expectCode(store.sessions.complete({ id: SID, lessons: ["too late"] }), "INVALID_TRANSITION");
    expect((await store.memories.search({ sessionId: SID })).length).toBe(2);
  });

  it("follows the lifecycle: active → completed → archived, archived is final", async () => {
    const { store, clock } = setup();
    await store.sessions.create({ id: SID });
    clock.advance(1000);
    await store.sessions.complete({ id: SID });
    const archived = await store.sessions.archive({ id: SID });
    expect(archived).toMatchObject({
      status: "archived",
      version: 3,
      archivedAt: "2026-11-25T12:00:01.000Z",
    });
    expect(await store.sessions.archive({ id: SID })).toEqual(archived);
    const error = await expectCode(store.sessions.complete({ id: SID }), "INVALID_TRANSITION");
    expect(error.details).toMatchObject({ from: "archived", to: "completed" });
  });

  it("records the stage an active session is in: case-insensitive, once, refused when not active", async () => {
    const { store, clock } = setup();
    const created = await store.sessions.create({ id: SID });
    expect(created.stage).toBeUndefined();
    clock.advance(1000);
    const planned = await store.sessions.setStage({ id: SID, stage: "Plan" });
    expect(planned).toMatchObject({ stage: "plan", version: 2, updatedAt: "2026-11-25T12:00:01.000Z" });
    expect(await store.sessions.setStage({ id: SID, stage: "plan" })).toEqual(planned);
    expect((await store.sessions.get({ id: SID })).stage).toBe("plan");
    await expectCode(store.sessions.setStage({ id: SID, stage: "ship" }), "VALIDATION_FAILED");
    await expectCode(
      store.sessions.setStage({ id: SID, stage: "implement", ifVersion: 1 }),
      "VERSION_CONFLICT",
    );
    await expectCode(
      store.sessions.setStage({ id: "absent-session-2026-11-25", stage: "plan" }),
      "SESSION_NOT_FOUND",
    );
    await store.sessions.complete({ id: SID });
    const error = await expectCode(
      store.sessions.setStage({ id: SID, stage: "reflect" }),
      "SESSION_NOT_ACTIVE",
    );
    expect(error.details).toMatchObject({ sessionId: SID, status: "completed" });
    expect((await store.sessions.get({ id: SID })).stage).toBe("plan");
  });

  it("fails VERSION_CONFLICT with the current version when ifVersion does not match", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID });
    const error = await expectCode(store.sessions.complete({ id: SID, ifVersion: 5 }), "VERSION_CONFLICT");
    expect(error.details).toMatchObject({ expected: 5, currentVersion: 1 });
    expect((await store.sessions.complete({ id: SID, ifVersion: 1 })).session.version).toBe(2);
    await expectCode(store.sessions.archive({ id: SID, ifVersion: 1 }), "VERSION_CONFLICT");
    await expectCode(store.sessions.delete({ id: SID, ifVersion: 1 }), "VERSION_CONFLICT");
    expect((await store.sessions.delete({ id: SID, ifVersion: 2 })).sessions).toBe(1);
  });

  it("delete without cascade refuses while messages, cache or memberships remain, naming --cascade", async () => {
    const { store, backend, namespace } = setup({
      groups: { missing: async () => [], memberships: async () => 0 },
    });
    await store.sessions.create({ id: SID });
    await store.messages.append({ sessionId: SID, content: "hi" });
    const error = await expectCode(store.sessions.delete({ id: SID }), "VALIDATION_FAILED");
    expect(error.message).toContain("1 message");
    expect(error.message).toContain("--cascade");
    expect((await store.sessions.get({ id: SID })).status).toBe("active");
    expect((await backend.rawKeys(namespace)).some((k) => k.endsWith(":messages:log"))).toBe(true);
    // An empty session goes without cascade.
    await store.sessions.create({ id: "empty-session-2026-11-25" });
    expect((await store.sessions.delete({ id: "empty-session-2026-11-25" })).sessions).toBe(1);
  });

  it("refuses a delete without cascade of a session that is a group member", async () => {
    const { store } = setup({ groups: { missing: async () => [], memberships: async () => 2 } });
    await store.sessions.create({ id: SID });
    const error = await expectCode(store.sessions.delete({ id: SID }), "VALIDATION_FAILED");
    expect(error.message).toContain("2 group memberships");
  });

  it("never lets a re-created id inherit old data: leftovers refuse the create until a cascade removes them", async () => {
    const { store, backend, namespace } = setup();
    await store.sessions.create({ id: SID });
    await store.messages.appendBatch({ sessionId: SID, messages: [{ content: "a" }, { content: "b" }] });
    await store.cache.set({ sessionId: SID, key: "k", value: 1 });
    // What an older version's delete without cascade left behind: the record gone, its data kept.
    await backend.delete({ namespace, collection: "sessions" }, SID);
    const refused = await expectCode(store.sessions.create({ id: SID }), "ALREADY_EXISTS");
    expect(refused.message).toContain("--cascade");
    const receipt = await store.sessions.delete({ id: SID, cascade: true });
    expect(receipt).toMatchObject({ sessions: 0, messages: 2, cache: 1 });
    await store.sessions.create({ id: SID });
    expect((await store.messages.list({ sessionId: SID })).items).toEqual([]);
    expect((await store.cache.list({ sessionId: SID })).items).toEqual([]);
    await expectCode(
      store.sessions
        .delete({ id: SID, cascade: true })
        .then(() => store.sessions.delete({ id: SID, cascade: true })),
      "SESSION_NOT_FOUND",
    );
  });

  it("delete with cascade removes messages, cache and memberships and keeps deep memories unless told", async () => {
    const calls: string[] = [];
    const { store, backend, namespace } = setup({
      onSessionDelete: async (id) => {
        calls.push(id);
        return { memberships: 2 };
      },
    });
    await store.sessions.create({ id: SID });
    await store.messages.appendBatch({
      sessionId: SID,
      messages: [{ content: "a" }, { content: "b" }, { content: "c" }],
    });
    await store.cache.set({ sessionId: SID, key: "k1", value: 1 });
    await store.cache.set({ sessionId: SID, key: "k2", value: 2 });
    await store.memories.create({ content: "kept", sessionId: SID });
    const receipt = await store.sessions.delete({ id: SID, cascade: true });
    expect(receipt).toEqual({ id: SID, sessions: 1, messages: 3, cache: 2, memberships: 2, memories: 0 });
    expect(calls).toEqual([SID]);
    expect((await backend.rawKeys(namespace)).filter((k) => k.includes(`{${namespace}:`))).toEqual([]);
    expect((await store.memories.search({ sessionId: SID })).map((h) => h.memory.content)).toEqual(["kept"]);

    await store.sessions.create({ id: SID });
    expect((await store.messages.list({ sessionId: SID })).items).toEqual([]);
    const forget = await store.sessions.delete({ id: SID, cascade: true, forgetMemories: true });
    expect(forget).toMatchObject({ memories: 1, messages: 0 });
    expect(await store.memories.search({ sessionId: SID })).toEqual([]);
  });

  it("keeps all data in its namespace", async () => {
    const { store, backend, clock } = setup();
    const other = createMemoryStore({ backend, clock, namespace: "elsewhere" });
    await store.sessions.create({ id: SID });
    await expectCode(other.sessions.get({ id: SID }), "SESSION_NOT_FOUND");
    expect((await other.sessions.list()).items).toEqual([]);
    await expectCode(other.messages.append({ sessionId: SID, content: "x" }), "SESSION_NOT_FOUND");
  });
});
