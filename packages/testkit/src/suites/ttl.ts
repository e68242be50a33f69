import { setTimeout as sleep } from "node:timers/promises";
import { expect, it } from "vitest";
import { listAll, recordsScope } from "../util.js";
import type { Harness } from "./harness.js";

/** Expiry: never an expired value, exact against the injected clock, and real purging for native TTL. */
export function ttlSuite(h: Harness): void {
  const manual = h.options.manualClock !== false;

  it.runIf(manual)("never returns a record once its TTL has passed on the injected clock", async () => {
    const { backend, namespace, clock } = await h.setup();
    const s = recordsScope(namespace);
    const start = clock.now();
    const rec = await backend.put(s, "t", "v", { ttlMs: 10_000 });
    expect(rec.expiresAt).toBe(start + 10_000);
    await backend.put(s, "forever", "f");
    clock.advance(9_999);
    expect((await backend.get(s, "t"))?.value).toBe("v");
    expect(await listAll(backend, s)).toEqual(["forever", "t"]);
    clock.advance(1);
    expect(await backend.get(s, "t")).toBeNull();
    expect(await backend.getMany(s, ["t", "forever"])).toMatchObject([null, { value: "f" }]);
    expect(await listAll(backend, s)).toEqual(["forever"]);
    // An expired record counts as absent for ifVersion and versions restart.
    const again = await backend.put(s, "t", "v2", { ifVersion: 0 });
    expect(again.version).toBe(1);
    expect(await backend.delete(s, "gone-never-existed")).toBe(false);
  });

  it.runIf(manual)("a put without a TTL removes an earlier expiry; a put with one sets it anew", async () => {
    const { backend, namespace, clock } = await h.setup();
    const s = recordsScope(namespace);
    await backend.put(s, "k", 1, { ttlMs: 5_000 });
    const r = await backend.put(s, "k", 2);
    expect(r.expiresAt).toBeNull();
    clock.advance(60_000);
    expect((await backend.get(s, "k"))?.value).toBe(2);
    await backend.put(s, "k", 3, { ttlMs: 1_000 });
    clock.advance(1_000);
    expect(await backend.get(s, "k")).toBeNull();
    expect(await backend.clear(s)).toBe(0);
  });

  it("expires in real time: a native-TTL store purges the record itself", async () => {
    const { backend, namespace } = await h.setup();
    if (!backend.capabilities.nativeTtl && manual) return; // covered by the injected-clock tests above
    const s = recordsScope(namespace);
    await backend.put(s, "rt", "v", { ttlMs: 1_000 });
    expect((await backend.get(s, "rt"))?.value).toBe("v");
    await sleep(1_400);
    // The injected clock has not moved: only the store's own expiry can hide the record now.
    expect(await backend.get(s, "rt")).toBeNull();
    if (backend.capabilities.nativeTtl && h.options.rawKeys) {
      expect(await h.options.rawKeys(backend, namespace)).toEqual([]);
    }
  });
}
