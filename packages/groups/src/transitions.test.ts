import { GROUP_TRANSITIONS, type GroupStatus, GroupStatus as GroupStatusSchema } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { codeOf, setup } from "../test/helpers.js";

const STATUSES = GroupStatusSchema.options;
const ALLOWED: [GroupStatus, GroupStatus][] = [
  ["active", "closed"],
  ["closed", "active"],
  ["active", "archived"],
  ["closed", "archived"],
];

/** Bring a fresh group named `name` into `status` along allowed moves. */
async function groupIn(store: ReturnType<typeof setup>["store"], name: string, status: GroupStatus) {
  await store.createGroup({ name });
  if (status !== "active") await store.updateGroupStatus(name, status);
  return store.getGroup(name);
}

describe("updateGroupStatus", () => {
  it("matches the core transition table exactly", () => {
    const table = STATUSES.flatMap((from) => GROUP_TRANSITIONS[from].map((to) => [from, to]));
    expect(table.sort()).toEqual([...ALLOWED].sort());
  });

  for (const from of STATUSES) {
    for (const to of STATUSES) {
      const allowed = ALLOWED.some(([f, t]) => f === from && t === to);
      const label =
        from === to ? "is a no-op" : allowed ? "is allowed" : "fails INVALID_TRANSITION naming both";
      it(`${from} → ${to} ${label}`, async () => {
        const { store, clock } = setup();
        const before = await groupIn(store, "g", from);
        clock.advance(60_000);
        if (from === to) {
          expect(await store.updateGroupStatus("g", to, { summary: "ignored" })).toEqual(before);
          expect(await store.getGroup("g")).toEqual(before);
        } else if (allowed) {
          const after = await store.updateGroupStatus("g", to);
          expect(after.status).toBe(to);
          expect(after.version).toBe(before.version + 1);
          expect(after.updatedAt).toBe("2026-11-25T12:01:00.000Z");
        } else {
          const failure = store.updateGroupStatus("g", to);
          await expect(failure).rejects.toMatchObject({
            code: "INVALID_TRANSITION",
            details: { from, to, id: "g" },
          });
          await expect(failure).rejects.toThrow(new RegExp(`from ${from} to ${to}`));
          expect(await store.getGroup("g")).toEqual(before);
        }
      });
    }
  }

  it("sets closedAt on close, clears it on reopen, sets archivedAt on archive, keeps the summary", async () => {
    const { store, clock } = setup();
    await store.createGroup({ name: "g" });
    clock.advance(1000);
    const closed = await store.updateGroupStatus("g", "closed", { summary: "Auth shipped." });
    expect(closed).toMatchObject({
      closedAt: "2026-11-25T12:00:01.000Z",
      summary: "Auth shipped.",
      version: 2,
    });
    clock.advance(1000);
    const reopened = await store.updateGroupStatus("g", "active");
    expect(reopened.closedAt).toBeUndefined();
    expect(reopened.summary).toBe("Auth shipped.");
    clock.advance(1000);
    const closedAgain = await store.updateGroupStatus("g", "closed");
    expect(closedAgain.closedAt).toBe("2026-11-25T12:00:03.000Z");
    clock.advance(1000);
    const archived = await store.updateGroupStatus("g", "archived", { summary: "Final." });
    expect(archived).toMatchObject({
      status: "archived",
      closedAt: "2026-11-25T12:00:03.000Z",
      archivedAt: "2026-11-25T12:00:04.000Z",
      summary: "Final.",
      version: 5,
    });
    expect(await store.getGroup("g")).toEqual(archived);
  });

  it("honours ifVersion, including on a no-op", async () => {
    const { store } = setup();
    await store.createGroup({ name: "g" });
    await expect(store.updateGroupStatus("g", "closed", { ifVersion: 7 })).rejects.toMatchObject({
      code: "VERSION_CONFLICT",
      details: { expected: 7, currentVersion: 1 },
    });
    expect(await codeOf(() => store.updateGroupStatus("g", "active", { ifVersion: 2 }))).toBe(
      "VERSION_CONFLICT",
    );
    expect((await store.updateGroupStatus("g", "closed", { ifVersion: 1 })).version).toBe(2);
  });

  it("refuses an unknown status and an oversized summary before writing", async () => {
    const { store } = setup({ groupLimits: { summaryBytes: 10 } });
    const before = await store.createGroup({ name: "g" });
    expect(await codeOf(() => store.updateGroupStatus("g", "done" as GroupStatus))).toBe("VALIDATION_FAILED");
    expect(await codeOf(() => store.updateGroupStatus("g", "closed", { summary: "x".repeat(11) }))).toBe(
      "LIMIT_EXCEEDED",
    );
    expect(await codeOf(() => store.updateGroupStatus("missing", "closed"))).toBe("GROUP_NOT_FOUND");
    expect(await store.getGroup("g")).toEqual(before);
  });
});
