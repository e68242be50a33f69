import { groupsScope, type SessionGroup, sessionsScope } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { codeOf, putSession, setup } from "../test/helpers.js";

/** A group as an import of the original Python v1.0 file leaves it: an id outside today's naming rule. */
function legacyGroup(id: string): SessionGroup {
  return {
    id,
    description: "Authentication feature",
    tags: ["feature"],
    sessionIds: ["auth-design-2025-10-01"],
    status: "active",
    metadata: { priority: "high", sprint: 42 },
    createdAt: "2025-10-28T17:05:17.366Z",
    updatedAt: "2025-10-28T17:05:17.368Z",
    version: 1,
  };
}

describe("legacy groups (ids that are safe but not kebab-case)", () => {
  it("can be read, listed, found, joined, patched, moved along the lifecycle and deleted", async () => {
    const { store, backend, namespace } = setup();
    const id = "Feature_Auth.v1";
    await backend.put(groupsScope(namespace), id, legacyGroup(id), { ifVersion: 0 });
    await putSession(backend, namespace, "auth-impl-2025-10-02");

    expect((await store.getGroup(id)).metadata).toEqual({ priority: "high", sprint: 42 });
    expect((await store.listGroups()).items.map((g) => g.id)).toEqual([id]);
    expect((await store.findGroupsByTag("feature")).map((g) => g.id)).toEqual([id]);
    expect(await store.getSessionsInGroup(id)).toEqual(["auth-design-2025-10-01"]);
    expect((await store.addSessionToGroup(id, "auth-impl-2025-10-02")).added).toBe(true);
    expect((await store.updateGroupMetadata(id, { sprint: 43 })).metadata.sprint).toBe(43);
    expect((await store.updateGroupStatus(id, "closed", { summary: "done" })).status).toBe("closed");
    expect(await store.removeSessionEverywhere("auth-design-2025-10-01")).toBe(1);
    expect((await store.getGroupContext(id)).group.id).toBe(id);
    expect(await store.deleteGroup(id)).toEqual({ groupId: id, deleted: { groups: 1, memberships: 1 } });
  });

  it("cannot be created under such a name", async () => {
    const { store } = setup();
    expect(await codeOf(() => store.createGroup({ name: "Feature_Auth.v1" }))).toBe("NAME_INVALID");
  });
});

describe("corrupt stored data", () => {
  it("fails BACKEND_CORRUPT naming the place when a group record does not validate", async () => {
    const { store, backend, namespace } = setup();
    await backend.put(groupsScope(namespace), "broken", { id: "broken", status: "exploded" });
    const failure = store.getGroup("broken");
    await expect(failure).rejects.toMatchObject({ code: "BACKEND_CORRUPT" });
    await expect(failure).rejects.toThrow(/groups\/broken in namespace/);
    expect(await codeOf(() => store.listGroups())).toBe("BACKEND_CORRUPT");
    expect(await codeOf(() => store.updateGroupMetadata("broken", { a: 1 }))).toBe("BACKEND_CORRUPT");
  });

  it("fails BACKEND_CORRUPT when a record's id is not its key", async () => {
    const { store, backend, namespace } = setup();
    await backend.put(groupsScope(namespace), "one", legacyGroup("two"));
    await expect(store.getGroup("one")).rejects.toMatchObject({
      code: "BACKEND_CORRUPT",
      details: { issues: [{ path: "id" }] },
    });
  });

  it("fails BACKEND_CORRUPT when the session record checked on add is corrupt", async () => {
    const { store, backend, namespace } = setup();
    await backend.put(sessionsScope(namespace), "s-x-2025-01-01", { id: "s-x-2025-01-01", status: 7 });
    await store.createGroup({ name: "g" });
    expect(await codeOf(() => store.addSessionToGroup("g", "s-x-2025-01-01"))).toBe("BACKEND_CORRUPT");
    expect(await store.getSessionsInGroup("g")).toEqual([]);
  });
});
