import { expect, it } from "vitest";
import { listAll } from "../util.js";
import type { Harness } from "./harness.js";

/** Namespaces and partitions never see each other, whatever characters they hold. */
export function isolationSuite(h: Harness): void {
  it("isolates namespaces that are prefixes of each other or hold separators and unicode", async () => {
    const { backend, namespace } = await h.setup();
    const names = [
      namespace,
      `${namespace}-corp`,
      `${namespace}:x`,
      `${namespace}}`,
      `${namespace}/..`,
      `${namespace}ü`,
      `${namespace}.`,
    ];
    for (const ns of names) {
      await backend.put({ namespace: ns, collection: "things" }, "shared-key", ns);
      await backend.append({ namespace: ns, collection: "events" }, [{ value: ns, idempotencyKey: "same" }]);
    }
    for (const ns of names) {
      expect((await backend.get({ namespace: ns, collection: "things" }, "shared-key"))?.value).toBe(ns);
      expect(await listAll(backend, { namespace: ns, collection: "things" })).toEqual(["shared-key"]);
      const log = await backend.readLog({ namespace: ns, collection: "events" });
      expect(log.map((e) => e.value)).toEqual([ns]);
      expect(log[0]?.seq).toBe(1);
    }
  });

  it("isolates partitions and collections within a namespace", async () => {
    const { backend, namespace } = await h.setup();
    const scopes = [
      { namespace, collection: "things" },
      { namespace, collection: "things", partition: "p" },
      { namespace, collection: "things", partition: "p:q" },
      { namespace, collection: "things", partition: "p-q" },
      { namespace, collection: "things-x" },
      { namespace, collection: "other", partition: "p" },
    ];
    for (const [i, s] of scopes.entries()) {
      await backend.put(s, "k", i);
      await backend.append(s, [{ value: i }]);
    }
    for (const [i, s] of scopes.entries()) {
      expect((await backend.get(s, "k"))?.value).toBe(i);
      expect(await listAll(backend, s)).toEqual(["k"]);
      expect(await backend.logLength(s)).toBe(1);
      expect((await backend.readLog(s))[0]?.value).toBe(i);
    }
    await backend.clear(scopes[1]!);
    await backend.deleteLog(scopes[1]!);
    expect((await backend.get(scopes[2]!, "k"))?.value).toBe(2);
    expect(await backend.logLength(scopes[2]!)).toBe(1);
    expect((await backend.get(scopes[0]!, "k"))?.value).toBe(0);
  });

  it("deleting everything leaves nothing behind in the raw store", async () => {
    const { rawKeys } = h.options;
    const { backend, namespace } = await h.setup();
    const s = { namespace, collection: "things", partition: "sess" };
    const plain = { namespace, collection: "things" };
    await backend.put(s, "a", 1);
    await backend.put(s, "b", 2, { ttlMs: 60_000 });
    await backend.put(plain, "c", 3);
    await backend.append(s, [{ value: 1, idempotencyKey: "i1" }, { value: 2 }]);
    if (rawKeys) expect((await rawKeys(backend, namespace)).length).toBeGreaterThan(0);
    await backend.clear(s);
    await backend.delete(plain, "c");
    await backend.deleteLog(s);
    expect(await listAll(backend, s)).toEqual([]);
    expect(await backend.logLength(s)).toBe(0);
    if (rawKeys) expect(await rawKeys(backend, namespace)).toEqual([]);
    // A deleted log starts again at seq 1 and has forgotten its idempotency keys.
    const [again] = await backend.append(s, [{ value: "x", idempotencyKey: "i1" }]);
    expect(again).toMatchObject({ seq: 1, duplicate: false });
  });
}
