import { ErrorCode, hasErrorCode, type MemoryBackend } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { putSession, setup } from "../test/helpers.js";
import { createGroupStore } from "./group-store.js";

/** The same backend, counting the compare-and-set writes that lost a race. */
function countingConflicts(backend: MemoryBackend): { backend: MemoryBackend; conflicts: () => number } {
  let conflicts = 0;
  const wrapped: MemoryBackend = {
    ...backend,
    async put(scope, key, value, options) {
      try {
        return await backend.put(scope, key, value, options);
      } catch (error) {
        if (hasErrorCode(error, ErrorCode.VERSION_CONFLICT)) conflicts += 1;
        throw error;
      }
    },
  };
  return { backend: wrapped, conflicts: () => conflicts };
}

function twoStores() {
  const fx = setup();
  const counted = countingConflicts(fx.backend);
  const a = createGroupStore({ backend: counted.backend, namespace: fx.namespace, clock: fx.clock });
  const b = createGroupStore({ backend: counted.backend, namespace: fx.namespace, clock: fx.clock });
  return { ...fx, a, b, conflicts: counted.conflicts };
}

describe("concurrent writers", () => {
  it("two stores patching metadata concurrently lose no update", async () => {
    const { a, b, conflicts } = twoStores();
    await a.createGroup({ name: "g" });
    const writes = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? a : b).updateGroupMetadata("g", { [`k${i}`]: i }),
    );
    await Promise.all(writes);
    const group = await a.getGroup("g");
    expect(Object.keys(group.metadata).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `k${i}`).sort());
    expect(group.version).toBe(41);
    // The race was real: writers read the same version and had to retry.
    expect(conflicts()).toBeGreaterThan(0);
  });

  it("two stores adding different sessions concurrently keep every member", async () => {
    const { a, b, backend, namespace } = twoStores();
    const ids = Array.from({ length: 30 }, (_, i) => `s-n${i}-2025-01-01`);
    for (const id of ids) await putSession(backend, namespace, id);
    await a.createGroup({ name: "g" });
    const results = await Promise.all(ids.map((id, i) => (i % 2 ? a : b).addSessionToGroup("g", id)));
    expect(results.every((r) => r.added)).toBe(true);
    const group = await b.getGroup("g");
    expect([...group.sessionIds].sort()).toEqual([...ids].sort());
    expect(group.version).toBe(31);
  });

  it("adding the same session from both stores adds it once", async () => {
    const { a, b, backend, namespace } = twoStores();
    await putSession(backend, namespace, "s-one-2025-01-01");
    await a.createGroup({ name: "g" });
    const [x, y] = await Promise.all([
      a.addSessionToGroup("g", "s-one-2025-01-01"),
      b.addSessionToGroup("g", "s-one-2025-01-01"),
    ]);
    expect([x.added, y.added].sort()).toEqual([false, true]);
    expect((await a.getGroup("g")).sessionIds).toEqual(["s-one-2025-01-01"]);
  });

  it("with the same ifVersion, exactly one of two writers wins and the other learns the current version", async () => {
    const { a, b } = twoStores();
    await a.createGroup({ name: "g" });
    const outcomes = await Promise.allSettled([
      a.updateGroupMetadata("g", { by: "a" }, { ifVersion: 1 }),
      b.updateGroupMetadata("g", { by: "b" }, { ifVersion: 1 }),
    ]);
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.filter((o) => o.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({
      code: "VERSION_CONFLICT",
      details: { expected: 1, currentVersion: 2 },
    });
    const group = await a.getGroup("g");
    expect(group.version).toBe(2);
    expect(group.metadata).toEqual((won[0] as PromiseFulfilledResult<typeof group>).value.metadata);
  });

  it("two stores creating the same group: one creates it, the other gets ALREADY_EXISTS", async () => {
    const { a, b } = twoStores();
    const outcomes = await Promise.allSettled([
      a.createGroup({ name: "g", description: "a" }),
      b.createGroup({ name: "g", description: "b" }),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
    const rejected = outcomes.find((o) => o.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: "ALREADY_EXISTS" });
  });

  it("a close racing adds never leaves a closed group gaining members after it closed", async () => {
    const { a, b, backend, namespace } = twoStores();
    const ids = Array.from({ length: 10 }, (_, i) => `s-r${i}-2025-01-01`);
    for (const id of ids) await putSession(backend, namespace, id);
    await a.createGroup({ name: "g" });
    const adds = ids.map((id) =>
      a.addSessionToGroup("g", id).then(
        (r) => ({ id, ok: r.added }),
        (e: { code: string }) => ({ id, ok: false, code: e.code }),
      ),
    );
    const close = b.updateGroupStatus("g", "closed");
    const [results, closed] = await Promise.all([Promise.all(adds), close]);
    const group = await a.getGroup("g");
    expect(group.status).toBe("closed");
    const added = results.filter((r) => r.ok).map((r) => r.id);
    expect([...group.sessionIds].sort()).toEqual(added.sort());
    expect(
      results.filter((r) => !r.ok).every((r) => (r as { code?: string }).code === "GROUP_NOT_ACTIVE"),
    ).toBe(true);
    // Every add that landed is in the version history before the close.
    expect(closed.version).toBe(1 + added.length + 1);
  });

  it("updates from two stores racing a delete end in a deleted group or a clean GROUP_NOT_FOUND", async () => {
    const { a, b } = twoStores();
    await a.createGroup({ name: "g" });
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 10 }, (_, i) => a.updateGroupMetadata("g", { [`k${i}`]: i })),
      b.deleteGroup("g"),
    ]);
    for (const o of outcomes) {
      if (o.status === "rejected") expect(o.reason).toMatchObject({ code: "GROUP_NOT_FOUND" });
    }
    expect(await a.listGroups()).toEqual({ items: [], nextCursor: null });
  });
});
