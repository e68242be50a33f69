import { groupsScope, type MemoryBackend, SessionGroup, VersionConflictError } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { codeOf, putSession, setup } from "../test/helpers.js";
import { MAX_WRITE_ATTEMPTS } from "./group-repo.js";
import { createGroupStore } from "./group-store.js";

describe("createGroup", () => {
  it("returns the group whose id is its name, version 1, active, timestamps from the clock", async () => {
    const { store } = setup();
    const group = await store.createGroup({
      name: "user-preferences-system",
      description: "All work related to user preferences feature",
      tags: ["Preferences", "redis", "backend", "redis"],
      metadata: { priority: "high" },
    });
    expect(group).toEqual({
      id: "user-preferences-system",
      description: "All work related to user preferences feature",
      tags: ["preferences", "redis", "backend"],
      sessionIds: [],
      status: "active",
      metadata: { priority: "high" },
      createdAt: "2026-11-25T12:00:00.000Z",
      updatedAt: "2026-11-25T12:00:00.000Z",
      version: 1,
    });
    expect(SessionGroup.parse(group)).toEqual(group);
    expect(await store.getGroup("user-preferences-system")).toEqual(group);
  });

  it("defaults description, tags and metadata", async () => {
    const { store } = setup();
    const group = await store.createGroup({ name: "g" });
    expect(group).toMatchObject({ description: "", tags: [], metadata: {} });
  });

  it("fails ALREADY_EXISTS for a taken name and leaves the first group as it was", async () => {
    const { store } = setup();
    const first = await store.createGroup({ name: "feature-auth", description: "one" });
    expect(await codeOf(() => store.createGroup({ name: "feature-auth", description: "two" }))).toBe(
      "ALREADY_EXISTS",
    );
    expect(await store.getGroup("feature-auth")).toEqual(first);
  });

  it("keeps namespaces apart", async () => {
    const a = setup();
    const b = createGroupStore({ backend: a.backend, namespace: `${a.namespace}-other`, clock: a.clock });
    await a.store.createGroup({ name: "shared-name" });
    expect(await codeOf(() => b.getGroup("shared-name"))).toBe("GROUP_NOT_FOUND");
    await b.createGroup({ name: "shared-name", description: "b" });
    expect((await a.store.getGroup("shared-name")).description).toBe("");
  });

  it("refuses an invalid namespace when the store is created", () => {
    const { backend } = setup();
    expect(() => createGroupStore({ backend, namespace: "../etc" })).toThrow(
      expect.objectContaining({ code: "NAME_INVALID" }),
    );
  });
});

describe("tags, listing and summary", () => {
  async function seeded() {
    const fx = setup();
    const { store } = fx;
    await store.createGroup({ name: "auth", tags: ["feature", "security"] });
    await store.createGroup({ name: "cache", tags: ["redis", "feature"] });
    await store.createGroup({ name: "docs", tags: ["docs"] });
    await store.createGroup({ name: "perf", tags: ["redis"] });
    await store.updateGroupStatus("docs", "closed");
    await store.updateGroupStatus("perf", "archived");
    return fx;
  }

  it("finds groups by tag, case-insensitively, in id order", async () => {
    const { store } = await seeded();
    expect((await store.findGroupsByTag("REDIS")).map((g) => g.id)).toEqual(["cache", "perf"]);
    expect(await store.findGroupsByTag("none")).toEqual([]);
    expect(await codeOf(() => store.findGroupsByTag("bad tag"))).toBe("VALIDATION_FAILED");
  });

  it("filters by status and by tags with tagMode all or any", async () => {
    const { store } = await seeded();
    const ids = async (input: Parameters<typeof store.listGroups>[0]) =>
      (await store.listGroups(input)).items.map((g) => g.id);
    expect(await ids({})).toEqual(["auth", "cache", "docs", "perf"]);
    expect(await ids({ status: "active" })).toEqual(["auth", "cache"]);
    expect(await ids({ tags: ["feature", "redis"] })).toEqual(["cache"]);
    expect(await ids({ tags: ["feature", "redis"], tagMode: "all" })).toEqual(["cache"]);
    expect(await ids({ tags: ["security", "docs"], tagMode: "any" })).toEqual(["auth", "docs"]);
    expect(await ids({ tags: ["redis"], status: "archived" })).toEqual(["perf"]);
  });

  it("pages with a cursor through every match exactly once", async () => {
    const { store } = setup();
    const names = Array.from({ length: 23 }, (_, i) => `g-${String(i).padStart(2, "0")}`);
    for (const name of names)
      await store.createGroup({ name, tags: [Number(name.slice(2)) % 2 ? "odd" : "even"] });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listGroups({ tags: ["odd"], limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((g) => g.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(names.filter((_, i) => i % 2));
    expect(pages).toBe(3);
  });

  it("keeps a cursor valid when its group is deleted meanwhile", async () => {
    const { store } = setup();
    for (const name of ["a", "b", "c", "d"]) await store.createGroup({ name });
    const first = await store.listGroups({ limit: 2 });
    await store.deleteGroup("b");
    const second = await store.listGroups({ limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((g) => g.id)).toEqual(["c", "d"]);
    expect(second.nextCursor).toBeNull();
  });

  it("refuses a forged cursor and a bad limit with VALIDATION_FAILED", async () => {
    const { store } = setup();
    expect(await codeOf(() => store.listGroups({ cursor: Buffer.from("../x").toString("base64url") }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(await codeOf(() => store.listGroups({ cursor: "!!" }))).toBe("VALIDATION_FAILED");
    expect(await codeOf(() => store.listGroups({ limit: 0 }))).toBe("VALIDATION_FAILED");
  });

  it("summarises counts by status, distinct sessions tracked and unique tags", async () => {
    const { store, backend, namespace } = await seeded();
    await putSession(backend, namespace, "s-a-2025-01-01");
    await putSession(backend, namespace, "s-b-2025-01-01");
    await store.addSessionToGroup("auth", "s-a-2025-01-01");
    await store.addSessionToGroup("cache", "s-a-2025-01-01");
    await store.addSessionToGroup("cache", "s-b-2025-01-01");
    expect(await store.summary()).toEqual({
      totalGroups: 4,
      byStatus: { active: 2, closed: 1, archived: 1 },
      sessionsTracked: 2,
      uniqueTags: ["docs", "feature", "redis", "security"],
    });
  });

  it("summarises an empty namespace as zeros", async () => {
    const { store } = setup();
    expect(await store.summary()).toEqual({
      totalGroups: 0,
      byStatus: { active: 0, closed: 0, archived: 0 },
      sessionsTracked: 0,
      uniqueTags: [],
    });
  });
});

describe("deleteGroup", () => {
  it("returns a receipt counting the memberships, leaves the sessions, and frees the name", async () => {
    const { store, backend, namespace } = setup();
    await putSession(backend, namespace, "s-a-2025-01-01");
    await store.createGroup({ name: "g" });
    await store.addSessionToGroup("g", "s-a-2025-01-01");
    expect(await store.deleteGroup("g")).toEqual({ groupId: "g", deleted: { groups: 1, memberships: 1 } });
    expect(await backend.get(groupsScope(namespace), "g")).toBeNull();
    expect(await codeOf(() => store.getGroup("g"))).toBe("GROUP_NOT_FOUND");
    expect(await codeOf(() => store.deleteGroup("g"))).toBe("GROUP_NOT_FOUND");
    expect((await store.createGroup({ name: "g" })).version).toBe(1);
  });

  it("honours ifVersion", async () => {
    const { store } = setup();
    await store.createGroup({ name: "g" });
    await store.updateGroupMetadata("g", { a: 1 });
    await expect(store.deleteGroup("g", { ifVersion: 1 })).rejects.toMatchObject({
      code: "VERSION_CONFLICT",
      details: { expected: 1, currentVersion: 2 },
    });
    expect((await store.deleteGroup("g", { ifVersion: 2 })).deleted.groups).toBe(1);
  });
});

describe("retries", () => {
  it("gives up with VERSION_CONFLICT after a bounded number of attempts when every write keeps losing", async () => {
    const fx = setup();
    await fx.store.createGroup({ name: "g" });
    let puts = 0;
    // A store where some other writer always gets in first: each put finds a newer version.
    const contended: MemoryBackend = {
      ...fx.backend,
      async put(_scope, key, _value, options) {
        puts += 1;
        throw new VersionConflictError(
          `Record "${key}"`,
          options?.ifVersion ?? 0,
          (options?.ifVersion ?? 0) + 1,
        );
      },
    };
    const store = createGroupStore({ backend: contended, namespace: fx.namespace, clock: fx.clock });
    expect(await codeOf(() => store.updateGroupMetadata("g", { a: 1 }))).toBe("VERSION_CONFLICT");
    expect(puts).toBe(MAX_WRITE_ATTEMPTS);
    expect((await fx.store.getGroup("g")).version).toBe(1);
  });
});

describe("backend failures", () => {
  it("passes BACKEND_UNAVAILABLE through when the store is closed", async () => {
    const { store, backend } = setup();
    await store.createGroup({ name: "g" });
    await backend.close();
    expect(await codeOf(() => store.getGroup("g"))).toBe("BACKEND_UNAVAILABLE");
    expect(await codeOf(() => store.updateGroupMetadata("g", { a: 1 }))).toBe("BACKEND_UNAVAILABLE");
  });
});
