import type { MemoryBackend } from "@tta-dev/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { putSession, setup } from "../test/helpers.js";
import { createGroupStore } from "./group-store.js";

const SESSIONS = ["s-a-2025-01-01", "s-b-2025-01-01", "s-c-2025-01-01", "s-d-2025-01-01"];

/** The same backend, with every record read and write released in an order the scheduler picks. */
function scheduled(backend: MemoryBackend, s: fc.Scheduler): MemoryBackend {
  return {
    ...backend,
    get: s.scheduleFunction(backend.get),
    put: s.scheduleFunction(backend.put),
    delete: s.scheduleFunction(backend.delete),
  };
}

type Write = { by: 0 | 1 } & ({ kind: "patch"; key: string } | { kind: "add"; session: string });

describe("two stores under random interleavings of their backend calls", () => {
  it("commuting writes (distinct metadata keys, distinct members) all land, one version each", async () => {
    const writeArb: fc.Arbitrary<Write[]> = fc.uniqueArray(
      fc.oneof(
        fc.record({
          by: fc.constantFrom(0 as const, 1 as const),
          kind: fc.constant("patch" as const),
          key: fc.constantFrom("k1", "k2", "k3", "k4", "k5"),
        }),
        fc.record({
          by: fc.constantFrom(0 as const, 1 as const),
          kind: fc.constant("add" as const),
          session: fc.constantFrom(...SESSIONS),
        }),
      ),
      { selector: (w) => (w.kind === "patch" ? `p:${w.key}` : `a:${w.session}`), minLength: 1, maxLength: 8 },
    );
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), writeArb, async (s, writes) => {
        const { backend, namespace, clock, store } = setup();
        for (const id of SESSIONS) await putSession(backend, namespace, id);
        await store.createGroup({ name: "g" });
        const racing = scheduled(backend, s);
        const stores = [0, 1].map(() => createGroupStore({ backend: racing, namespace, clock }));
        const done = Promise.all(
          writes.map((w) =>
            w.kind === "patch"
              ? stores[w.by]!.updateGroupMetadata("g", { [w.key]: w.by })
              : stores[w.by]!.addSessionToGroup("g", w.session),
          ),
        );
        await s.waitFor(done);
        const group = await store.getGroup("g");
        const patches = writes.filter((w) => w.kind === "patch");
        const adds = writes.filter((w) => w.kind === "add");
        expect(group.metadata).toEqual(Object.fromEntries(patches.map((w) => [w.key, w.by])));
        expect([...group.sessionIds].sort()).toEqual(adds.map((w) => w.session).sort());
        expect(group.version).toBe(1 + writes.length);
      }),
      { numRuns: 60 },
    );
  });
});
