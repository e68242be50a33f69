import { describe, expect, it } from "vitest";
import { codeOf, putSession, setup } from "../test/helpers.js";

/** Everything the backend holds for the fixture: its keys and every group as stored. */
async function snapshot(fx: ReturnType<typeof setup>) {
  return { keys: await fx.backend.rawKeys(fx.namespace), groups: await fx.store.listGroups({ limit: 1000 }) };
}

async function seeded() {
  const fx = setup({ limits: { metadataBytes: 1024, metadataKeys: 8, tagsPerItem: 4 } });
  await putSession(fx.backend, fx.namespace, "auth-design-2025-10-01");
  await fx.store.createGroup({ name: "feature-auth", tags: ["feature"], metadata: { sprint: 42 } });
  await fx.store.addSessionToGroup("feature-auth", "auth-design-2025-10-01");
  return fx;
}

const bigText = "x".repeat(2048);

const createCases: [string, unknown, string][] = [
  ["a name with ../", { name: "../etc/passwd" }, "NAME_INVALID"],
  ["a name with a slash", { name: "a/b" }, "NAME_INVALID"],
  ["a name with a NUL", { name: "a\u0000b" }, "NAME_INVALID"],
  ["an upper-case name", { name: "Feature-Auth" }, "NAME_INVALID"],
  ["a name with a double dash", { name: "a--b" }, "NAME_INVALID"],
  ["a name over 64 characters", { name: "a".repeat(65) }, "NAME_INVALID"],
  ["an empty name", { name: "" }, "NAME_INVALID"],
  ["a legacy-style (safe but not kebab) name", { name: "Feature_Auth.v1" }, "NAME_INVALID"],
  ["a non-string name", { name: 42 }, "VALIDATION_FAILED"],
  ["too many tags", { name: "ok", tags: ["a", "b", "c", "d", "e"] }, "LIMIT_EXCEEDED"],
  ["a tag with a space", { name: "ok", tags: ["bad tag"] }, "VALIDATION_FAILED"],
  ["a tag starting with ../", { name: "ok", tags: ["../x"] }, "VALIDATION_FAILED"],
  ["a tag over 64 characters", { name: "ok", tags: ["t".repeat(65)] }, "VALIDATION_FAILED"],
  ["a tag with a control character", { name: "ok", tags: ["a\u0007"] }, "VALIDATION_FAILED"],
  ["a non-string tag", { name: "ok", tags: [1] }, "VALIDATION_FAILED"],
  [
    "a __proto__ metadata key",
    { name: "ok", metadata: JSON.parse('{"__proto__":{"polluted":true}}') },
    "VALIDATION_FAILED",
  ],
  [
    "a nested __proto__ metadata key",
    { name: "ok", metadata: JSON.parse('{"a":[{"__proto__":1}]}') },
    "VALIDATION_FAILED",
  ],
  [
    "a constructor metadata key",
    { name: "ok", metadata: { constructor: { prototype: 1 } } },
    "VALIDATION_FAILED",
  ],
  ["a prototype metadata key", { name: "ok", metadata: { a: { prototype: 1 } } }, "VALIDATION_FAILED"],
  ["oversized metadata", { name: "ok", metadata: { big: bigText } }, "LIMIT_EXCEEDED"],
  [
    "metadata with too many keys",
    { name: "ok", metadata: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, i])) },
    "LIMIT_EXCEEDED",
  ],
  [
    "metadata that is not JSON",
    { name: "ok", metadata: { n: Number.POSITIVE_INFINITY } },
    "VALIDATION_FAILED",
  ],
  ["metadata that is an array", { name: "ok", metadata: [1, 2] }, "VALIDATION_FAILED"],
  ["an oversized description", { name: "ok", description: "d".repeat(16 * 1024 + 1) }, "LIMIT_EXCEEDED"],
];

describe("hostile input fails with its code before anything is written", () => {
  for (const [label, input, code] of createCases) {
    it(`createGroup refuses ${label} with ${code}`, async () => {
      const fx = await seeded();
      const before = await snapshot(fx);
      expect(await codeOf(() => fx.store.createGroup(input as never))).toBe(code);
      expect(await snapshot(fx)).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }

  const updateCases: [string, (fx: Awaited<ReturnType<typeof seeded>>) => Promise<unknown>, string][] = [
    [
      "a __proto__ patch key",
      (fx) => fx.store.updateGroupMetadata("feature-auth", JSON.parse('{"__proto__":{"x":1}}')),
      "VALIDATION_FAILED",
    ],
    [
      "a constructor patch key",
      (fx) => fx.store.updateGroupMetadata("feature-auth", { constructor: null }),
      "VALIDATION_FAILED",
    ],
    [
      "an oversized patch",
      (fx) => fx.store.updateGroupMetadata("feature-auth", { big: bigText }),
      "LIMIT_EXCEEDED",
    ],
    [
      "a group id with ../ (metadata)",
      (fx) => fx.store.updateGroupMetadata("../feature-auth", { a: 1 }),
      "NAME_INVALID",
    ],
    [
      "a group id with ../ (status)",
      (fx) => fx.store.updateGroupStatus("../feature-auth", "closed"),
      "NAME_INVALID",
    ],
    ["a group id with ../ (delete)", (fx) => fx.store.deleteGroup("../feature-auth"), "NAME_INVALID"],
    ["a group id with ../ (read)", (fx) => fx.store.getGroup("../feature-auth"), "NAME_INVALID"],
    [
      "a session id with ../ (add)",
      (fx) => fx.store.addSessionToGroup("feature-auth", "../../etc/passwd"),
      "NAME_INVALID",
    ],
    [
      "a session id with a slash (remove)",
      (fx) => fx.store.removeSessionFromGroup("feature-auth", "a/b"),
      "NAME_INVALID",
    ],
    ["a session id with ../ (cascade)", (fx) => fx.store.removeSessionEverywhere(".."), "NAME_INVALID"],
    [
      "a negative ifVersion",
      (fx) => fx.store.updateGroupMetadata("feature-auth", { a: 1 }, { ifVersion: -1 }),
      "VALIDATION_FAILED",
    ],
    [
      "too many filter tags",
      (fx) => fx.store.listGroups({ tags: ["a", "b", "c", "d", "e"] }),
      "LIMIT_EXCEEDED",
    ],
  ];
  for (const [label, run, code] of updateCases) {
    it(`refuses ${label} with ${code}`, async () => {
      const fx = await seeded();
      const before = await snapshot(fx);
      expect(await codeOf(() => run(fx))).toBe(code);
      expect(await snapshot(fx)).toEqual(before);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });
  }

  it("names the offending path in the error details", async () => {
    const fx = await seeded();
    await expect(
      fx.store.createGroup({ name: "ok", metadata: JSON.parse('{"a":{"__proto__":1}}') }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { issues: [{ path: "metadata.a.__proto__" }] },
    });
    await expect(fx.store.createGroup({ name: "ok", tags: ["fine", "Not Fine"] })).rejects.toMatchObject({
      details: { issues: [{ path: "tags.1" }] },
    });
  });
});
