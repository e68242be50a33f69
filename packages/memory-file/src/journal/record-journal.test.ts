import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createManualClock } from "@tta-dev/core";
import { listAll } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../test/temp-dirs.js";
import { createFileBackend } from "../file-backend.js";

const tempDir = useTempDirs();

const scope = { namespace: "default", collection: "memories" };

describe("record journals", () => {
  it("compacts a journal that is mostly overwritten records, and other instances follow", async () => {
    const root = tempDir("tta-journal-");
    const a = createFileBackend({ root });
    const b = createFileBackend({ root });
    const file = join(root, "ns", "default", "rec", "memories.jsonl");
    for (let i = 0; i < 2000; i++) await a.put(scope, `k${i % 10}`, { i });
    expect((await b.get(scope, "k3"))?.value).toEqual({ i: 1993 });
    const lines = readFileSync(file, "utf8").split("\n").length - 1;
    expect(lines).toBeLessThan(300);
    await b.put(scope, "k3", { i: -1 });
    expect(await a.get(scope, "k3")).toMatchObject({ value: { i: -1 }, version: 201 });
    expect(await listAll(a, scope)).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`));
    await a.close();
    await b.close();
  });

  it("lists in key order whatever order the records were written in, in this process and a fresh one", async () => {
    const root = tempDir("tta-journal-order-");
    const a = createFileBackend({ root });
    const sorted = Array.from({ length: 500 }, (_, i) => `m${String(i).padStart(4, "0")}`);
    // In order first (the pass that skips the sort), then out of order, then a key deleted and written again.
    for (const k of sorted.slice(0, 200)) await a.put(scope, k, { k });
    expect(await listAll(a, scope)).toEqual(sorted.slice(0, 200));
    const rest = sorted.slice(200).reverse();
    for (const k of rest) await a.put(scope, k, { k });
    await a.delete(scope, "m0100");
    await a.put(scope, "m0100", { again: true });
    expect(await listAll(a, scope)).toEqual(sorted);
    const b = createFileBackend({ root });
    expect(await listAll(b, scope)).toEqual(sorted);
    // A journal written out of order, loaded whole by a fresh process (over 1 MiB: a bulk load, whose
    // key order is rebuilt once).
    const shuffled = { namespace: "default", collection: "sessions" };
    const pad = "x".repeat(3_000);
    for (const k of [...sorted].reverse()) await a.put(shuffled, k, { k, pad });
    const inOrder = { namespace: "default", collection: "groups-meta" };
    for (const k of sorted) await a.put(inOrder, k, { k, pad });
    const c = createFileBackend({ root });
    expect(await listAll(c, shuffled)).toEqual(sorted);
    expect(await listAll(c, inOrder)).toEqual(sorted);
    await c.close();
    const page = await b.list(scope, { limit: 7, cursor: "m0099" });
    expect(page.items.map((r) => r.key)).toEqual(sorted.slice(100, 107));
    await a.close();
    await b.close();
  });

  it("sweeps expired records when it compacts, and removes the file when nothing is left", async () => {
    const root = tempDir("tta-journal-ttl-");
    const clock = createManualClock("2026-01-01T00:00:00.000Z");
    const backend = createFileBackend({ root, clock });
    const cache = { namespace: "default", collection: "cache", partition: "s-a-2026-01-01" };
    for (let i = 0; i < 300; i++) await backend.put(cache, `t${i}`, i, { ttlMs: 1_000 });
    await backend.put(cache, "keep", 1);
    const file = join(root, "ns", "default", "rec", "cache", "s-a-2026-01-01.jsonl");
    const before = statSync(file).size;
    clock.advance(2_000);
    expect(await listAll(backend, cache)).toEqual(["keep"]);
    for (let i = 0; i < 64; i++) await backend.put(cache, "keep", i);
    expect(statSync(file).size).toBeLessThan(before / 4);
    expect(await backend.rawKeys("default")).toEqual([`ns/default/rec/cache/s-a-2026-01-01.jsonl#keep`]);
    await backend.delete(cache, "keep");
    expect(existsSync(file)).toBe(false);
    await backend.close();
  });

  it("lists 20 000 records page by page in key order after loading them from disk", async () => {
    const root = tempDir("tta-journal-big-");
    const a = createFileBackend({ root });
    for (let i = 0; i < 20_000; i += 1) await a.put(scope, `mem_${String(i).padStart(6, "0")}`, { i });
    await a.close();
    const b = createFileBackend({ root });
    const keys = await listAll(b, scope, 1000);
    expect(keys).toHaveLength(20_000);
    expect(keys[0]).toBe("mem_000000");
    expect(keys.at(-1)).toBe("mem_019999");
    expect((await b.list(scope, { prefix: "mem_0199", limit: 1000 })).items).toHaveLength(100);
    await b.close();
  }, 60_000);
});
