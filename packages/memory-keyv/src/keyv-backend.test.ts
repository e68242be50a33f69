import { setTimeout as sleep } from "node:timers/promises";
import { createManualClock, encodeSegment, keyFor, type Scope } from "@tta-dev/core";
import { casIncrement, codeOf, listAll } from "@tta-dev/testkit";
import { Keyv } from "keyv";
import { describe, expect, it } from "vitest";
import { INDEX_PAGE_SIZE } from "./key-index.js";
import { createKeyvBackend } from "./keyv-backend.js";

const scope: Scope = { namespace: "unit", collection: "notes" };

describe("keyv backend", () => {
  it("declares no atomic CAS, no cross-process safety, no native TTL, and durability by store", () => {
    const onMap = createKeyvBackend();
    expect(onMap.capabilities).toEqual({
      atomicCompareAndSet: false,
      crossProcess: false,
      nativeTtl: false,
      durability: "memory",
    });
    const declared = createKeyvBackend({ store: new Map(), durability: "os" });
    expect(declared.capabilities.durability).toBe("os");
  });

  it("lists, pages and clears a collection that spans many index pages", async () => {
    const backend = createKeyvBackend({ clock: createManualClock(0) });
    const keys = Array.from({ length: INDEX_PAGE_SIZE * 3 + 7 }, (_, i) => `k-${(i * 7919) % 10_000}`);
    for (const k of keys) await backend.put(scope, k, k);
    const sorted = [...new Set(keys)].sort((a, b) => (encodeSegment(a) < encodeSegment(b) ? -1 : 1));
    expect(await listAll(backend, scope, 97)).toEqual(sorted);
    const withPrefix = await backend.list(scope, { prefix: "k-1", limit: 1000 });
    expect(withPrefix.items.map((r) => r.key)).toEqual(sorted.filter((k) => k.startsWith("k-1")));
    for (const k of sorted.slice(0, 300)) expect(await backend.delete(scope, k)).toBe(true);
    expect(await listAll(backend, scope, 1000)).toEqual(sorted.slice(300));
    expect(await backend.clear(scope)).toBe(sorted.length - 300);
    expect(await backend.rawKeys("unit")).toEqual([]);
  });

  it("sweeps expired records out of the store and the index when a list meets them", async () => {
    const clock = createManualClock(1_000);
    const backend = createKeyvBackend({ clock });
    await backend.put(scope, "short", 1, { ttlMs: 10 });
    await backend.put(scope, "long", 2);
    clock.advance(10);
    expect(await listAll(backend, scope)).toEqual(["long"]);
    const raw = await backend.rawKeys("unit");
    expect(raw).not.toContain(keyFor(scope, "r", "short"));
    expect(raw).toContain(keyFor(scope, "r", "long"));
  });

  it("hands TTLs to Keyv with the system clock, so the store drops expired data itself", async () => {
    const keyv = new Keyv();
    const backend = createKeyvBackend({ keyv });
    await backend.put(scope, "brief", 1, { ttlMs: 30 });
    const place = `keyv:${keyFor(scope, "r", "brief")}`;
    expect((keyv.store as Map<string, string>).get(place)).toMatch(/^E\d+\|/);
    await sleep(60);
    // Keyv itself now refuses (and drops) the value: the expiry travelled with it.
    expect(await backend.keyv.get(keyFor(scope, "r", "brief"))).toBeUndefined();
    expect((keyv.store as Map<string, string>).has(place)).toBe(false);
    expect(await backend.get(scope, "brief")).toBeNull();
  });

  it("shortens keys longer than the store allows with a hash, and keeps them distinct", async () => {
    const store = new Map<string, unknown>();
    const backend = createKeyvBackend({ store });
    const a = `${"x".repeat(500)}a`.slice(0, 512);
    const b = `${"x".repeat(500)}b`.slice(0, 512);
    await backend.put(scope, a, "A");
    await backend.put(scope, b, "B");
    expect((await backend.get(scope, a))?.value).toBe("A");
    expect((await backend.get(scope, b))?.value).toBe("B");
    expect([...store.keys()].every((k) => k.length <= 255)).toBe(true);
    expect(await listAll(backend, scope)).toEqual([a, b]);
    expect(() => createKeyvBackend({ maxKeyLength: 40 })).toThrow(/maxKeyLength/);
  });

  it("fails BACKEND_CORRUPT naming the key when stored data is not what it wrote", async () => {
    const backend = createKeyvBackend();
    const keyv = backend.keyv;
    await backend.put(scope, "a", 1);
    await backend.append(scope, [{ value: 1 }]);
    await keyv.set(keyFor(scope, "r", "a"), "{not json");
    await keyv.set(keyFor(scope, "l", "1"), JSON.stringify({ s: 7, d: 1 }));
    await keyv.set(keyFor(scope, "i"), JSON.stringify({ n: 1, p: "nope" }));
    expect(await codeOf(backend.get(scope, "a"))).toBe("BACKEND_CORRUPT");
    await expect(backend.get(scope, "a")).rejects.toMatchObject({
      details: { place: keyFor(scope, "r", "a") },
    });
    expect(await codeOf(backend.readLog(scope))).toBe("BACKEND_CORRUPT");
    expect(await codeOf(backend.list(scope))).toBe("BACKEND_CORRUPT");
    await keyv.set(keyFor(scope, "l"), "-3");
    expect(await codeOf(backend.logLength(scope))).toBe("BACKEND_CORRUPT");
  });

  it("ignores an idempotency key left pointing past the log by an interrupted append", async () => {
    const backend = createKeyvBackend();
    const keyv = backend.keyv;
    await backend.append(scope, [{ value: "one" }]);
    await keyv.set(keyFor(scope, "l", "k", "orphan"), "2");
    const [entry] = await backend.append(scope, [{ value: "two", idempotencyKey: "orphan" }]);
    expect(entry).toMatchObject({ seq: 2, value: "two", duplicate: false });
    const [again] = await backend.append(scope, [{ value: "x", idempotencyKey: "orphan" }]);
    expect(again).toMatchObject({ seq: 2, value: "two", duplicate: true });
  });

  it("treats what a trim cut short after its point left behind as gone, and deleteLog removes it", async () => {
    const backend = createKeyvBackend();
    const keyv = backend.keyv;
    await backend.append(
      scope,
      [1, 2, 3, 4, 5].map((i) => ({ value: i, idempotencyKey: `k${i}` })),
    );
    // The trim point is written first; a trim interrupted then has deleted none of entries 1-3.
    await keyv.set(keyFor(scope, "l", "t"), "3");
    expect((await backend.readLog(scope)).map((e) => e.seq)).toEqual([4, 5]);
    expect((await backend.readLog(scope, { afterSeq: 1, limit: 1 }))[0]?.seq).toBe(4);
    const [anew, kept] = await backend.append(scope, [
      { value: "again", idempotencyKey: "k2" },
      { value: "dup", idempotencyKey: "k4" },
    ]);
    expect(anew).toMatchObject({ seq: 6, duplicate: false });
    expect(kept).toMatchObject({ seq: 4, value: 4, duplicate: true });
    expect(await backend.trimLog(scope, 3)).toBe(0);
    expect(await backend.deleteLog(scope)).toBe(true);
    expect(await backend.rawKeys(scope.namespace)).toEqual([]);
  });

  it("refuses every call once closed with BACKEND_UNAVAILABLE", async () => {
    const backend = createKeyvBackend();
    await backend.close();
    expect(await codeOf(backend.get(scope, "a"))).toBe("BACKEND_UNAVAILABLE");
    expect(await codeOf(backend.put(scope, "a", 1))).toBe("BACKEND_UNAVAILABLE");
    expect(await codeOf(backend.ping())).toBe("BACKEND_UNAVAILABLE");
  });

  it("rejects an unknown batch op before running any read", async () => {
    const backend = createKeyvBackend();
    const reads = [
      { op: "get", scope, key: "a" },
      { op: "drop", scope },
    ] as never;
    expect(await codeOf(backend.batch(reads))).toBe("VALIDATION_FAILED");
  });
});

describe("keyv backend objects sharing one store in one process", () => {
  it("serialise their writes against each other: no lost update, gapless seqs", async () => {
    const store = new Map<string, unknown>();
    const first = createKeyvBackend({ store });
    const second = createKeyvBackend({ keyv: new Keyv({ store }) });
    const s: Scope = { namespace: "shared", collection: "things" };
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 10; i++) await casIncrement(w % 2 ? first : second, s, "counter");
      }),
    );
    expect((await first.get(s, "counter"))?.value).toEqual({ n: 80 });
    const log: Scope = { namespace: "shared", collection: "events" };
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? first : second).append(log, [{ value: i }, { value: i }]),
      ),
    );
    expect((await second.readLog(log)).map((e) => e.seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });
});
