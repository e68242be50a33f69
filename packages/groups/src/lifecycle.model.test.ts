import { compareKeys, toIso } from "@tta-dev/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GroupModel, type Op, type Outcome, type Pin } from "../test/group-model.js";
import { putSession, setup } from "../test/helpers.js";
import type { GroupStore } from "./group-store-api.js";

const SESSIONS = ["s-a-2025-01-01", "s-b-2025-01-01", "s-c-2025-01-01"];
const groupArb = fc.constantFrom("alpha", "beta", "gamma");
const sessionArb = fc.constantFrom(...SESSIONS, "s-missing-2025-01-01");
const pinArb = fc.constantFrom<Pin>(undefined, undefined, "current", "stale");

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("create" as const),
      name: fc.constantFrom("alpha", "beta", "gamma", "Bad_Name", "../up"),
      tags: fc.subarray(["x", "y", "z"]),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("add" as const),
      group: groupArb,
      session: sessionArb,
      pin: pinArb,
    }),
  },
  fc.record({ kind: fc.constant("remove" as const), group: groupArb, session: sessionArb, pin: pinArb }),
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("status" as const),
      group: groupArb,
      to: fc.constantFrom("active" as const, "closed" as const, "archived" as const),
      summary: fc.option(fc.constantFrom("wrapped up", "again"), { nil: undefined }),
      pin: pinArb,
    }),
  },
  fc.record({
    kind: fc.constant("patch" as const),
    group: groupArb,
    patch: fc.dictionary(fc.constantFrom("k1", "k2", "k3"), fc.constantFrom(0, 1, 2, null), {
      noNullPrototype: true,
    }),
    pin: pinArb,
  }),
  fc.record({ kind: fc.constant("delete" as const), group: groupArb, pin: pinArb }),
  fc.record({ kind: fc.constant("cascade" as const), session: sessionArb }),
);

async function run(store: GroupStore, op: Op, ifVersion: number | undefined): Promise<Outcome> {
  const pinned = ifVersion === undefined ? {} : { ifVersion };
  try {
    switch (op.kind) {
      case "create":
        return { code: "OK", value: await store.createGroup({ name: op.name, tags: op.tags }) };
      case "add":
        return { code: "OK", value: await store.addSessionToGroup(op.group, op.session, pinned) };
      case "remove":
        return { code: "OK", value: await store.removeSessionFromGroup(op.group, op.session, pinned) };
      case "status": {
        const summary = op.summary === undefined ? {} : { summary: op.summary };
        return {
          code: "OK",
          value: await store.updateGroupStatus(op.group, op.to, { ...pinned, ...summary }),
        };
      }
      case "patch":
        return { code: "OK", value: await store.updateGroupMetadata(op.group, op.patch, pinned) };
      case "delete":
        return { code: "OK", value: await store.deleteGroup(op.group, pinned) };
      case "cascade":
        return { code: "OK", value: await store.removeSessionEverywhere(op.session) };
    }
  } catch (error) {
    return { code: (error as { code?: string }).code ?? `THROWN ${String(error)}` };
  }
}

describe("group lifecycle against a reference model", () => {
  it("random sequences of create, add, remove, status, patch, delete and cascade agree with the model", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40, size: "max" }), async (ops) => {
        const { store, backend, namespace, clock } = setup();
        for (const s of SESSIONS) await putSession(backend, namespace, s);
        const model = new GroupModel(new Set(SESSIONS), () => toIso(clock.now()));
        for (const op of ops) {
          clock.advance(1);
          const ifVersion = "pin" in op ? model.ifVersionOf(op.group, op.pin) : undefined;
          const actual = await run(store, op, ifVersion);
          const expected = model.apply(op);
          expect(actual, JSON.stringify(op)).toEqual(expected);
          const stored = (await store.listGroups({ limit: 1000 })).items;
          const modelled = [...model.groups.values()].sort((a, b) => compareKeys(a.id, b.id));
          expect(stored).toEqual(modelled);
        }
        const groups = [...model.groups.values()];
        expect(await store.summary()).toEqual({
          totalGroups: groups.length,
          byStatus: {
            active: groups.filter((g) => g.status === "active").length,
            closed: groups.filter((g) => g.status === "closed").length,
            archived: groups.filter((g) => g.status === "archived").length,
          },
          sessionsTracked: new Set(groups.flatMap((g) => g.sessionIds)).size,
          uniqueTags: [...new Set(groups.flatMap((g) => g.tags))].sort(),
        });
        for (const s of SESSIONS) {
          const expectedIds = groups
            .filter((g) => g.sessionIds.includes(s))
            .map((g) => g.id)
            .sort(compareKeys);
          expect((await store.getGroupsOfSession(s)).map((g) => g.id)).toEqual(expectedIds);
        }
      }),
      { numRuns: 200 },
    );
  });
});
