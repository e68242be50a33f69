import { type MemoryBackend, type SessionGroup, sessionsScope } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { codeOf, putSession, setup } from "../test/helpers.js";
import { createGroupStore } from "./group-store.js";

describe("membership", () => {
  it("adds an existing session, bumping the version and updatedAt", async () => {
    const { store, backend, namespace, clock } = setup();
    await putSession(backend, namespace, "auth-design-2025-10-01");
    await store.createGroup({ name: "feature-auth" });
    clock.advance(1000);
    const { group, added } = await store.addSessionToGroup("feature-auth", "auth-design-2025-10-01");
    expect(added).toBe(true);
    expect(group.sessionIds).toEqual(["auth-design-2025-10-01"]);
    expect(group.version).toBe(2);
    expect(group.updatedAt).toBe("2026-11-25T12:00:01.000Z");
    expect(await store.getGroup("feature-auth")).toEqual(group);
  });

  it("adding a member again changes nothing and says so", async () => {
    const { store, backend, namespace, clock } = setup();
    await putSession(backend, namespace, "auth-design-2025-10-01");
    await store.createGroup({ name: "feature-auth" });
    const first = await store.addSessionToGroup("feature-auth", "auth-design-2025-10-01");
    clock.advance(5000);
    const again = await store.addSessionToGroup("feature-auth", "auth-design-2025-10-01");
    expect(again).toEqual({ group: first.group, added: false });
    expect((await store.getGroup("feature-auth")).version).toBe(2);
  });

  it("fails SESSION_NOT_FOUND for a session that does not exist, writing nothing", async () => {
    const { store } = setup();
    const created = await store.createGroup({ name: "feature-auth" });
    expect(await codeOf(() => store.addSessionToGroup("feature-auth", "ghost-session-2025-10-01"))).toBe(
      "SESSION_NOT_FOUND",
    );
    expect(await store.getGroup("feature-auth")).toEqual(created);
  });

  it("accepts sessions whose names do not follow the pattern (naming policy is the session owner's)", async () => {
    const { store, backend, namespace } = setup();
    await putSession(backend, namespace, "Legacy_Session.1");
    await store.createGroup({ name: "g" });
    expect((await store.addSessionToGroup("g", "Legacy_Session.1")).added).toBe(true);
  });

  it("fails GROUP_NOT_ACTIVE on closed and archived groups, GROUP_NOT_FOUND on missing ones", async () => {
    const { store, backend, namespace } = setup();
    await putSession(backend, namespace, "auth-design-2025-10-01");
    await store.createGroup({ name: "closed-one" });
    await store.createGroup({ name: "archived-one" });
    await store.updateGroupStatus("closed-one", "closed");
    await store.updateGroupStatus("archived-one", "archived");
    const closed = store.addSessionToGroup("closed-one", "auth-design-2025-10-01");
    await expect(closed).rejects.toMatchObject({
      code: "GROUP_NOT_ACTIVE",
      details: { groupId: "closed-one", status: "closed" },
    });
    expect(await codeOf(() => store.addSessionToGroup("archived-one", "auth-design-2025-10-01"))).toBe(
      "GROUP_NOT_ACTIVE",
    );
    expect(await codeOf(() => store.addSessionToGroup("nope", "auth-design-2025-10-01"))).toBe(
      "GROUP_NOT_FOUND",
    );
  });

  it("removes a member in any status and reports removed: false for a non-member", async () => {
    const { store, backend, namespace } = setup();
    await putSession(backend, namespace, "a-b-2025-10-01");
    await store.createGroup({ name: "g" });
    await store.addSessionToGroup("g", "a-b-2025-10-01");
    await store.updateGroupStatus("g", "archived");
    const out = await store.removeSessionFromGroup("g", "a-b-2025-10-01");
    expect(out.removed).toBe(true);
    expect(out.group).toMatchObject({ sessionIds: [], version: 4, status: "archived" });
    const again = await store.removeSessionFromGroup("g", "a-b-2025-10-01");
    expect(again).toEqual({ group: out.group, removed: false });
  });

  it("lists sessions in insertion order and the groups of a session in id order", async () => {
    const { store, backend, namespace } = setup();
    for (const s of ["x-c-2025-01-01", "x-a-2025-01-01", "x-b-2025-01-01"]) {
      await putSession(backend, namespace, s);
    }
    await store.createGroup({ name: "zeta" });
    await store.createGroup({ name: "alpha" });
    await store.createGroup({ name: "mid" });
    for (const s of ["x-c-2025-01-01", "x-a-2025-01-01", "x-b-2025-01-01"]) {
      await store.addSessionToGroup("zeta", s);
    }
    await store.addSessionToGroup("alpha", "x-a-2025-01-01");
    expect(await store.getSessionsInGroup("zeta")).toEqual([
      "x-c-2025-01-01",
      "x-a-2025-01-01",
      "x-b-2025-01-01",
    ]);
    expect((await store.getGroupsOfSession("x-a-2025-01-01")).map((g) => g.id)).toEqual(["alpha", "zeta"]);
    expect(await store.getGroupsOfSession("x-unknown-2025-01-01")).toEqual([]);
  });

  it("enforces the members-per-group limit with LIMIT_EXCEEDED", async () => {
    const { store, backend, namespace } = setup({ groupLimits: { sessionsPerGroup: 2 } });
    for (const s of ["s-a-2025-01-01", "s-b-2025-01-01", "s-c-2025-01-01"])
      await putSession(backend, namespace, s);
    await store.createGroup({ name: "g" });
    await store.addSessionToGroup("g", "s-a-2025-01-01");
    await store.addSessionToGroup("g", "s-b-2025-01-01");
    expect(await codeOf(() => store.addSessionToGroup("g", "s-c-2025-01-01"))).toBe("LIMIT_EXCEEDED");
    expect(await store.getSessionsInGroup("g")).toHaveLength(2);
  });

  it("removeSessionEverywhere removes every membership in every status and counts them", async () => {
    const { store, backend, namespace } = setup();
    await putSession(backend, namespace, "s-a-2025-01-01");
    await putSession(backend, namespace, "s-b-2025-01-01");
    for (const g of ["one", "two", "three"]) {
      await store.createGroup({ name: g });
      await store.addSessionToGroup(g, "s-a-2025-01-01");
    }
    await store.addSessionToGroup("two", "s-b-2025-01-01");
    await store.updateGroupStatus("three", "archived");
    expect(await store.removeSessionEverywhere("s-a-2025-01-01")).toBe(3);
    expect(await store.getGroupsOfSession("s-a-2025-01-01")).toEqual([]);
    expect(await store.getSessionsInGroup("two")).toEqual(["s-b-2025-01-01"]);
    expect(await store.removeSessionEverywhere("s-a-2025-01-01")).toBe(0);
  });
});

describe("membership racing a session delete", () => {
  it("takes a fresh membership back when the session is deleted while it is being added", async () => {
    const { backend, namespace, clock } = setup();
    await putSession(backend, namespace, "s-gone-2025-01-01");
    // The session's owner deletes it (and runs its cascade) right after our group write lands.
    const racing: MemoryBackend = {
      ...backend,
      async put(scope, key, value, options) {
        const stored = await backend.put(scope, key, value, options);
        if (
          scope.collection === "groups" &&
          (value as SessionGroup).sessionIds.includes("s-gone-2025-01-01")
        ) {
          await backend.delete(sessionsScope(namespace), "s-gone-2025-01-01");
        }
        return stored;
      },
    };
    const store = createGroupStore({ backend: racing, namespace, clock });
    await store.createGroup({ name: "g" });
    expect(await codeOf(() => store.addSessionToGroup("g", "s-gone-2025-01-01"))).toBe("SESSION_NOT_FOUND");
    expect(await store.getSessionsInGroup("g")).toEqual([]);
  });
});
