import { compareKeys } from "@tta-dev/core";
import { expect, it } from "vitest";
import { expectCode } from "../expect-code.js";
import { listAll, recordsScope } from "../util.js";
import type { Harness } from "./harness.js";

/** Record CRUD, versions, `ifVersion`, listing and pagination. */
export function recordSuite(h: Harness): void {
  it("creates a record at version 1 and bumps the version on each put", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    expect(await backend.get(s, "a")).toBeNull();
    const r1 = await backend.put(s, "a", { x: 1 });
    expect(r1).toMatchObject({ key: "a", value: { x: 1 }, version: 1, expiresAt: null });
    const r2 = await backend.put(s, "a", { x: 2 });
    expect(r2.version).toBe(2);
    expect(await backend.get(s, "a")).toEqual({ key: "a", value: { x: 2 }, version: 2, expiresAt: null });
  });

  it("enforces ifVersion: 0 means absent, a mismatch fails VERSION_CONFLICT with the current version", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    await backend.put(s, "k", "v1", { ifVersion: 0 });
    const e1 = await expectCode(backend.put(s, "k", "again", { ifVersion: 0 }), "VERSION_CONFLICT");
    expect(e1.details.currentVersion).toBe(1);
    const e2 = await expectCode(backend.put(s, "k", "stale", { ifVersion: 5 }), "VERSION_CONFLICT");
    expect(e2.details.currentVersion).toBe(1);
    await expectCode(backend.put(s, "missing", "x", { ifVersion: 1 }), "VERSION_CONFLICT");
    expect(await backend.get(s, "missing")).toBeNull();
    expect((await backend.put(s, "k", "v2", { ifVersion: 1 })).version).toBe(2);
    expect((await backend.get(s, "k"))?.value).toBe("v2");
  });

  it("deletes with and without ifVersion, and a re-created record starts at version 1", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    await backend.put(s, "d", 1);
    await backend.put(s, "d", 2);
    await expectCode(backend.delete(s, "d", { ifVersion: 1 }), "VERSION_CONFLICT");
    expect(await backend.get(s, "d")).not.toBeNull();
    expect(await backend.delete(s, "d", { ifVersion: 2 })).toBe(true);
    expect(await backend.get(s, "d")).toBeNull();
    expect(await backend.delete(s, "d")).toBe(false);
    expect((await backend.put(s, "d", 3)).version).toBe(1);
  });

  it("getMany returns records in the order asked, with null for missing keys", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    await backend.put(s, "b", "B");
    await backend.put(s, "a", "A");
    const got = await backend.getMany(s, ["a", "nope", "b", "a"]);
    expect(got.map((r) => r?.value ?? null)).toEqual(["A", null, "B", "A"]);
    expect(await backend.getMany(s, [])).toEqual([]);
  });

  it("lists in ascending encoded-key order, page by page, with a prefix filter", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    const keys = ["b", "a", "a:1", "a-2", "A", "z", "ä", "a.b", "a b", "0", "~"];
    for (const k of keys) await backend.put(s, k, k);
    const all = await listAll(backend, s, 3);
    expect(all).toEqual([...keys].sort(compareKeys));
    const page = await backend.list(s, { prefix: "a", limit: 100 });
    expect(page.items.map((r) => r.key)).toEqual(keys.filter((k) => k.startsWith("a")).sort(compareKeys));
    expect(page.items.every((r) => r.value === r.key)).toBe(true);
    expect(page.nextCursor).toBeNull();
    await expectCode(backend.list(s, { limit: 0 }), "VALIDATION_FAILED");
    await expectCode(backend.list(s, { limit: 1001 }), "VALIDATION_FAILED");
  });

  it("keeps pagination stable while writes happen: every untouched key exactly once", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    const initial = Array.from({ length: 60 }, (_, i) => `k${String(i).padStart(3, "0")}`);
    for (const k of initial) await backend.put(s, k, 0);
    const seen: string[] = [];
    let cursor: string | undefined;
    let round = 0;
    for (;;) {
      const page = await backend.list(s, { limit: 7, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((r) => r.key));
      // Writers insert before and after the cursor and update seen keys between pages.
      await backend.put(s, `k${String(round).padStart(3, "0")}-new`, 1);
      await backend.put(s, `a-early-${round}`, 1);
      if (page.items[0]) await backend.put(s, page.items[0].key, 2);
      round++;
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const k of initial) expect(seen).toContain(k);
    expect([...seen]).toEqual([...seen].sort(compareKeys));
  });

  it("clear removes every record of one scope and nothing else", async () => {
    const { backend, namespace } = await h.setup();
    const a = recordsScope(namespace, "p1");
    const b = recordsScope(namespace, "p2");
    for (let i = 0; i < 5; i++) await backend.put(a, `k${i}`, i);
    await backend.put(b, "keep", true);
    expect(await backend.clear(a)).toBe(5);
    expect(await listAll(backend, a)).toEqual([]);
    expect((await backend.get(b, "keep"))?.value).toBe(true);
    expect(await backend.clear(a)).toBe(0);
  });

  it("refuses bad keys, scopes and non-JSON values with VALIDATION_FAILED and writes nothing", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    await expectCode(backend.put(s, "", 1), "VALIDATION_FAILED");
    await expectCode(backend.put(s, "x".repeat(513), 1), "VALIDATION_FAILED");
    await expectCode(backend.put(s, "bad\uD800", 1), "VALIDATION_FAILED");
    await expectCode(backend.put({ namespace, collection: "Bad/Name" }, "k", 1), "VALIDATION_FAILED");
    await expectCode(backend.put({ namespace: "", collection: "things" }, "k", 1), "VALIDATION_FAILED");
    await expectCode(backend.put(s, "nan", { n: Number.NaN }), "VALIDATION_FAILED");
    await expectCode(backend.put(s, "undef", undefined), "VALIDATION_FAILED");
    await expectCode(backend.put(s, "fn", { f: () => 1 }), "VALIDATION_FAILED");
    await expectCode(backend.put(s, "ttl", 1, { ttlMs: -5 }), "VALIDATION_FAILED");
    await expectCode(backend.put(s, "ver", 1, { ifVersion: -1 }), "VALIDATION_FAILED");
    expect(await listAll(backend, s)).toEqual([]);
  });

  it("batch returns what the same reads return one by one", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    const log = { namespace, collection: "events", partition: "b" };
    await backend.put(s, "x", { v: 1 });
    await backend.put(s, "y", { v: 2 });
    await backend.append(log, [{ value: "e1" }, { value: "e2" }, { value: "e3" }]);
    const results = await backend.batch([
      { op: "get", scope: s, key: "x" },
      { op: "getMany", scope: s, keys: ["y", "zz"] },
      { op: "list", scope: s, options: { limit: 10 } },
      { op: "readLog", scope: log, options: { fromEnd: true, limit: 2 } },
      { op: "logLength", scope: log },
      { op: "get", scope: s, key: "missing" },
    ]);
    expect(results).toEqual([
      await backend.get(s, "x"),
      await backend.getMany(s, ["y", "zz"]),
      await backend.list(s, { limit: 10 }),
      await backend.readLog(log, { fromEnd: true, limit: 2 }),
      3,
      null,
    ]);
    expect(await backend.batch([])).toEqual([]);
  });
}
