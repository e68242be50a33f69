import { appendWhen, type MemoryBackend, type RecordCondition } from "@tta-dev/core";
import { expect, it } from "vitest";
import { expectCode } from "../expect-code.js";
import { logScope, readAll, recordsScope } from "../util.js";
import type { Harness } from "./harness.js";

const active = (namespace: string, key = "owner"): RecordCondition => ({
  scope: recordsScope(namespace, "owners"),
  key,
  field: "status",
  equals: "active",
});

/**
 * Conditional appends (`appendIf`, or `appendWhen`'s read-then-append where a backend has none):
 * the append happens exactly when the record is live and its field holds the value, and a refusal
 * returns the record found and appends nothing.
 */
export function conditionalSuite(h: Harness): void {
  const both = (name: string, fn: (backend: MemoryBackend, namespace: string) => Promise<void>) => {
    it(name, async () => {
      const { backend, namespace } = await h.setup();
      await fn(backend, namespace);
    });
  };

  both(
    "appends when the record's field holds the value, and returns the entries as append does",
    async (backend, ns) => {
      const c = active(ns);
      await backend.put(c.scope, c.key, { status: "active", title: "t" });
      const log = logScope(ns);
      const r = await appendWhen(backend, c, log, [
        { value: { n: 1 } },
        { value: { n: 2 }, idempotencyKey: "k" },
      ]);
      expect(r).toEqual({
        ok: true,
        entries: [
          { seq: 1, value: { n: 1 }, duplicate: false },
          { seq: 2, value: { n: 2 }, idempotencyKey: "k", duplicate: false },
        ],
      });
      const again = await appendWhen(backend, c, log, [{ value: { n: 3 }, idempotencyKey: "k" }]);
      expect(again).toEqual({
        ok: true,
        entries: [{ seq: 2, value: { n: 2 }, idempotencyKey: "k", duplicate: true }],
      });
      expect((await readAll(backend, log)).map((e) => e.value)).toEqual([{ n: 1 }, { n: 2 }]);
    },
  );

  both(
    "refuses with the record it found when the field differs, and appends nothing",
    async (backend, ns) => {
      const c = active(ns);
      const log = logScope(ns);
      const cases: unknown[] = [
        { status: "ended" },
        { status: "ACTIVE" },
        { state: "active" },
        { status: ["active"] },
        { status: { equals: "active" } },
        { status: null },
        "active",
        ["active"],
        { nested: { status: "active" } },
      ];
      for (const value of cases) {
        const stored = await backend.put(c.scope, c.key, value);
        const r = await appendWhen(backend, c, log, [{ value: 1 }]);
        expect(r, JSON.stringify(value)).toEqual({ ok: false, record: stored });
      }
      expect(await backend.logLength(log)).toBe(0);
    },
  );

  both("refuses with null when the record is missing, deleted or expired", async (backend, ns) => {
    const c = active(ns);
    const log = logScope(ns);
    expect(await appendWhen(backend, c, log, [{ value: 1 }])).toEqual({ ok: false, record: null });
    await backend.put(c.scope, c.key, { status: "active" });
    await backend.delete(c.scope, c.key);
    expect(await appendWhen(backend, c, log, [{ value: 1 }])).toEqual({ ok: false, record: null });
    expect(await backend.logLength(log)).toBe(0);
  });

  it("refuses with null once the record has expired", async () => {
    const { backend, namespace, clock } = await h.setup();
    const c = active(namespace);
    const log = logScope(namespace);
    await backend.put(c.scope, c.key, { status: "active" }, { ttlMs: 10_000 });
    expect((await appendWhen(backend, c, log, [{ value: 1 }])).ok).toBe(true);
    clock.advance(10_000);
    expect(await appendWhen(backend, c, log, [{ value: 2 }])).toEqual({ ok: false, record: null });
    expect(await backend.logLength(log)).toBe(1);
  });

  both("rejects a malformed condition with VALIDATION_FAILED and appends nothing", async (backend, ns) => {
    const c = active(ns);
    await backend.put(c.scope, c.key, { status: "active" });
    const log = logScope(ns);
    const bad: RecordCondition[] = [
      { ...c, field: "" },
      { ...c, field: "__proto__" },
      { ...c, field: "constructor" },
      { ...c, field: "a.b" },
      { ...c, field: "x".repeat(65) },
      { ...c, equals: "x".repeat(257) },
      { ...c, equals: 1 as unknown as string },
      { ...c, key: "" },
      { ...c, scope: { namespace: ns, collection: "Bad Collection" } },
    ];
    for (const condition of bad) {
      await expectCode(appendWhen(backend, condition, log, [{ value: 1 }]), "VALIDATION_FAILED");
    }
    await expectCode(appendWhen(backend, c, log, []), "VALIDATION_FAILED");
    expect(await backend.logLength(log)).toBe(0);
  });

  both("keeps the record's own field apart from any other record and scope", async (backend, ns) => {
    const c = active(ns);
    await backend.put(c.scope, "other", { status: "active" });
    await backend.put(recordsScope(ns), c.key, { status: "active" });
    const log = logScope(ns);
    expect(await appendWhen(backend, c, log, [{ value: 1 }])).toEqual({ ok: false, record: null });
    expect(await backend.logLength(log)).toBe(0);
  });
}
