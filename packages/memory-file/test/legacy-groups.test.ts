import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createManualClock,
  groupsScope,
  type Session,
  type SessionGroup,
  sessionsScope,
} from "@tta-dev/core";
import { listAll } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { createFileBackend } from "../src/index.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();

const fixture = fileURLToPath(new URL("./fixtures/session_groups.v1.json", import.meta.url));

function storeWithV1(): string {
  const root = tempDir("tta-file-legacy-");
  copyFileSync(fixture, join(root, "session_groups.json"));
  return root;
}

const EXPECTED: Record<string, SessionGroup> = {
  "feature-auth": {
    id: "feature-auth",
    description: "Authentication feature",
    tags: ["feature"],
    sessionIds: ["auth-design-2025-10-01", "auth-impl-2025-10-02"],
    status: "active",
    metadata: { priority: "high", sprint: 42 },
    createdAt: "2025-10-28T17:05:17.366Z",
    updatedAt: "2025-10-28T17:05:17.366Z",
    version: 1,
  },
  "bugfix-cache-2025": {
    id: "bugfix-cache-2025",
    description: "Cache invalidation hunt",
    tags: ["bugfix", "cache", "perf"],
    sessionIds: ["cache-debug-2025-09-30", "scratch_notes"],
    status: "closed",
    summary: "Root cause: stale TTL on the session cache.",
    metadata: { estimate_hours: 3.5, owners: ["ana", "bo"], review: { done: true, score: 9 }, ticket: null },
    createdAt: "2025-09-30T08:00:00.000Z",
    updatedAt: "2025-10-01T09:30:15.500Z",
    closedAt: "2025-10-02T18:45:59.999Z",
    version: 1,
  },
  "Legacy_Group.1": {
    id: "Legacy_Group.1",
    description: "",
    tags: [],
    sessionIds: ["../escape", "ok-session-2024-02-29"],
    status: "archived",
    summary: "archived long ago",
    metadata: {},
    createdAt: "2024-02-29T23:59:59.000Z",
    updatedAt: "2024-02-29T23:59:59.000Z",
    closedAt: "2024-03-01T00:00:00.123Z",
    version: 1,
  },
};

describe("session_groups.json version 1.0", () => {
  it("reads every group with its sessions, tags, status, summary, metadata and timestamps", async () => {
    const root = storeWithV1();
    const backend = createFileBackend({ root });
    const page = await backend.list(groupsScope("default"));
    expect(page.items.map((r) => r.key)).toEqual(["Legacy_Group.1", "bugfix-cache-2025", "feature-auth"]);
    for (const r of page.items) {
      expect(r.value).toEqual(EXPECTED[r.key]);
      expect(r.version).toBe(1);
      expect(r.expiresAt).toBeNull();
    }
    expect((await backend.get(groupsScope("default"), "feature-auth"))?.value).toEqual(
      EXPECTED["feature-auth"],
    );
    // Reading changes nothing on disk and creates no session.
    expect(readFileSync(join(root, "session_groups.json"), "utf8")).toBe(readFileSync(fixture, "utf8"));
    expect(await listAll(backend, sessionsScope("default"))).toEqual([]);
    await backend.close();
  });

  it("upgrades to 2.0 on the first write, keeping every field and creating the sessions it names", async () => {
    const root = storeWithV1();
    const clock = createManualClock("2026-11-25T12:00:00.000Z");
    const backend = createFileBackend({ root, clock });
    const scope = groupsScope("default");
    const before = await backend.get(scope, "feature-auth");
    const changed = {
      ...(before!.value as SessionGroup),
      metadata: { priority: "low", sprint: 43 },
      version: 2,
    };
    await backend.put(scope, "feature-auth", changed, { ifVersion: 1 });

    const file = JSON.parse(readFileSync(join(root, "session_groups.json"), "utf8"));
    expect(file.version).toBe("2.0");
    expect(file.last_updated).toBe("2026-11-25T12:00:00.000Z");
    expect(file.legacy).toEqual({ from: "1.0", last_updated: "2025-10-28T17:05:17.368370" });
    const auth = file.groups.find((g: { group_id: string }) => g.group_id === "feature-auth");
    expect(auth).toMatchObject({
      group_id: "feature-auth",
      description: "Authentication feature",
      tags: ["feature"],
      session_ids: ["auth-design-2025-10-01", "auth-impl-2025-10-02"],
      created_at: "2025-10-28T17:05:17.366Z",
      updated_at: "2025-10-28T17:05:17.366Z",
      status: "active",
      closed_at: null,
      archived_at: null,
      summary: null,
      metadata: { priority: "low", sprint: 43 },
      version: 2,
    });
    // The original entry, microseconds and all, stays in the file.
    expect(auth.legacy.entry.created_at).toBe("2025-10-28T17:05:17.366397");
    const cache = file.groups.find((g: { group_id: string }) => g.group_id === "bugfix-cache-2025");
    expect(cache.legacy).toEqual({ from: "1.0", entry: JSON.parse(readFileSync(fixture, "utf8")).groups[1] });

    // A new process sees the same groups.
    const other = createFileBackend({ root });
    for (const r of (await other.list(scope)).items) {
      expect(r.value).toEqual(r.key === "feature-auth" ? changed : EXPECTED[r.key]);
    }
    // Sessions named only by id now exist (safe ids only; "../escape" stays a bare id in its group).
    const sessions = (await other.list(sessionsScope("default"))).items.map((r) => r.value as Session);
    expect(sessions.map((s) => s.id)).toEqual([
      "auth-design-2025-10-01",
      "auth-impl-2025-10-02",
      "cache-debug-2025-09-30",
      "ok-session-2024-02-29",
      "scratch_notes",
    ]);
    expect(sessions[0]).toEqual({
      id: "auth-design-2025-10-01",
      tags: [],
      status: "active",
      createdAt: "2025-10-28T17:05:17.366Z",
      updatedAt: "2025-10-28T17:05:17.366Z",
      metadata: {},
      version: 1,
      component: "auth",
      purpose: "design",
      date: "2025-10-01",
    });
    expect(sessions.find((s) => s.id === "scratch_notes")).not.toHaveProperty("component");
    await other.close();
    await backend.close();
  });

  it("keeps the legacy record and unknown fields across later writes and deletes of other groups", async () => {
    const root = storeWithV1();
    const backend = createFileBackend({ root });
    const scope = groupsScope("default");
    await backend.delete(scope, "Legacy_Group.1");
    const g = (await backend.get(scope, "bugfix-cache-2025"))!;
    await backend.put(scope, "bugfix-cache-2025", { ...(g.value as SessionGroup), description: "renamed" });
    const file = JSON.parse(readFileSync(join(root, "session_groups.json"), "utf8"));
    expect(file.groups.map((x: { group_id: string }) => x.group_id)).toEqual([
      "bugfix-cache-2025",
      "feature-auth",
    ]);
    expect(file.groups[0].description).toBe("renamed");
    expect(file.groups[0].version).toBe(1);
    expect(file.groups[0].record_version).toBe(2);
    expect(file.groups[0].legacy.entry.owner).toBe("ana");
    expect((await backend.get(scope, "bugfix-cache-2025"))?.version).toBe(2);
    await backend.close();
  });

  it("keeps other namespaces' groups in their own file", async () => {
    const root = storeWithV1();
    const backend = createFileBackend({ root });
    const g: SessionGroup = { ...EXPECTED["feature-auth"]!, id: "team-b" };
    await backend.put(groupsScope("team.b"), "team-b", g);
    expect(
      JSON.parse(readFileSync(join(root, "ns", "team%2Eb", "session_groups.json"), "utf8")).groups,
    ).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(root, "session_groups.json"), "utf8")).version).toBe("1.0");
    expect((await backend.list(groupsScope("default"))).items).toHaveLength(3);
    await backend.close();
  });
});
