import { describe, expect, it } from "vitest";
import { codeOf, setup } from "../test/helpers.js";
import { applyMetadataPatch, canonicalJson, findForbiddenKey } from "./metadata-patch.js";

describe("applyMetadataPatch", () => {
  it("merges shallowly, removes keys set to null and keeps the position of replaced keys", () => {
    const out = applyMetadataPatch({ a: 1, b: { x: 1 }, c: 3 }, { b: { y: 2 }, c: null, d: "new", e: null });
    expect(out).toEqual({ a: 1, b: { y: 2 }, d: "new" });
    expect(Object.keys(out)).toEqual(["a", "b", "d"]);
  });

  it("finds forbidden keys at any depth in raw JSON", () => {
    expect(findForbiddenKey(JSON.parse('{"a":[{"b":{"__proto__":1}}]}'))).toEqual(["a", 0, "b", "__proto__"]);
    expect(findForbiddenKey({ constructor: 1 })).toEqual(["constructor"]);
    expect(findForbiddenKey({ a: { prototype: 1 } })).toEqual(["a", "prototype"]);
    expect(findForbiddenKey({ a: "__proto__" })).toBeNull();
  });

  it("gives equal JSON values the same canonical text", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 1, e: 2 }], c: 2 } })).toBe(
      canonicalJson({ a: { c: 2, d: [1, { e: 2, f: 1 }] }, b: 1 }),
    );
  });
});

describe("updateGroupMetadata", () => {
  it("merges the patch, removes null keys, bumps the version", async () => {
    const { store, clock } = setup();
    await store.createGroup({ name: "g", metadata: { priority: "high", sprint: 42 } });
    clock.advance(1000);
    const g = await store.updateGroupMetadata("g", { status: "in-review", sprint: null });
    expect(g.metadata).toEqual({ priority: "high", status: "in-review" });
    expect(g.version).toBe(2);
    expect(g.updatedAt).toBe("2026-11-25T12:00:01.000Z");
    expect(await store.getGroup("g")).toEqual(g);
  });

  it("writes nothing when the patch changes nothing", async () => {
    const { store, clock } = setup();
    const before = await store.createGroup({ name: "g", metadata: { a: { b: [1, 2] } } });
    clock.advance(1000);
    expect(await store.updateGroupMetadata("g", { a: { b: [1, 2] }, gone: null })).toEqual(before);
    expect(await store.updateGroupMetadata("g", {})).toEqual(before);
  });

  it("works on closed and archived groups", async () => {
    const { store } = setup();
    await store.createGroup({ name: "g" });
    await store.updateGroupStatus("g", "archived");
    expect((await store.updateGroupMetadata("g", { note: "post-mortem" })).metadata).toEqual({
      note: "post-mortem",
    });
  });

  it("fails VERSION_CONFLICT with the current version on a stale ifVersion, and succeeds on the right one", async () => {
    const { store } = setup();
    await store.createGroup({ name: "g" });
    await store.updateGroupMetadata("g", { a: 1 });
    await expect(store.updateGroupMetadata("g", { a: 2 }, { ifVersion: 1 })).rejects.toMatchObject({
      code: "VERSION_CONFLICT",
      details: { expected: 1, currentVersion: 2 },
    });
    expect((await store.updateGroupMetadata("g", { a: 2 }, { ifVersion: 2 })).metadata).toEqual({ a: 2 });
  });

  it("refuses a merge result over the key limit, though each patch alone is small", async () => {
    const { store } = setup({ limits: { metadataKeys: 3 } });
    const before = await store.createGroup({ name: "g", metadata: { a: 1, b: 2 } });
    await expect(store.updateGroupMetadata("g", { c: 3, d: 4 })).rejects.toMatchObject({
      code: "LIMIT_EXCEEDED",
      details: { field: "metadata keys", count: 4, limit: 3 },
    });
    expect(await store.getGroup("g")).toEqual(before);
    expect((await store.updateGroupMetadata("g", { a: null, c: 3, d: 4 })).metadata).toEqual({
      b: 2,
      c: 3,
      d: 4,
    });
  });

  it("fails GROUP_NOT_FOUND for a missing group", async () => {
    const { store } = setup();
    expect(await codeOf(() => store.updateGroupMetadata("nope", { a: 1 }))).toBe("GROUP_NOT_FOUND");
  });
});
