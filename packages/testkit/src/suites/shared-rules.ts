import { BATCH_OPS, type MemoryBackend, type RawKeyListing } from "@tta-dev/core";
import { expect, it } from "vitest";
import { expectCode } from "../expect-code.js";
import { logScope, recordsScope } from "../util.js";
import type { Harness } from "./harness.js";

/** The error every backend must give, code, message and issues alike. */
async function expectValidation(promise: Promise<unknown>, path: string, message: string): Promise<void> {
  const e = (await expectCode(promise, "VALIDATION_FAILED")) as unknown as {
    message: string;
    details: { issues?: unknown };
  };
  expect(e.message).toBe(`${path}: ${message}`);
  expect(e.details.issues).toEqual([{ path, message }]);
}

const BAD_APPENDS: [label: string, items: unknown, path: string, message: string][] = [
  ["an empty batch", [], "items", "must be a non-empty array"],
  ["items that are not an array", { value: 1 }, "items", "must be a non-empty array"],
  ["an item that is not an object", [{ value: 1 }, null], "items.1", "must be an object with a value"],
  [
    "an empty idempotency key",
    [{ value: 1, idempotencyKey: "" }],
    "items.0.idempotencyKey",
    "must be a non-empty string",
  ],
  [
    "an idempotency key that is not a string",
    [{ value: 1, idempotencyKey: 7 }],
    "items.0.idempotencyKey",
    "must be a non-empty string",
  ],
  [
    "a value that is not finite",
    [{ value: 1 }, { value: Number.NaN }],
    "items.1.value",
    "numbers must be finite",
  ],
  ["an item without a value", [{ value: 1 }, {}], "items.1.value", "must be a JSON value"],
];

const UNKNOWN_OP = `unknown op "put"; expected one of ${BATCH_OPS.join(", ")}`;

/**
 * Rules shared by every backend through one helper in core each (append validation, idempotent
 * append planning, unknown batch ops, the raw key listing): the same bad input gives the same
 * error code, message and issues on every backend.
 */
export function sharedRuleSuite(h: Harness): void {
  for (const [label, items, path, message] of BAD_APPENDS) {
    it(`refuses an append of ${label} with "${path}: ${message}", appending nothing`, async () => {
      const { backend, namespace } = await h.setup();
      const s = logScope(namespace);
      await expectValidation(backend.append(s, items as never), path, message);
      expect(await backend.logLength(s)).toBe(0);
    });
  }

  it("refuses a bad conditional append with the same message as a bad append", async () => {
    const { backend, namespace } = await h.setup();
    if (typeof backend.appendIf !== "function") return;
    const records = recordsScope(namespace);
    await backend.put(records, "s", { status: "active" });
    const condition = { scope: records, key: "s", field: "status", equals: "active" };
    for (const [, items, path, message] of BAD_APPENDS) {
      await expectValidation(backend.appendIf(condition, logScope(namespace), items as never), path, message);
    }
    expect(await backend.logLength(logScope(namespace))).toBe(0);
  });

  it("plans idempotent appends alike: a logged key, a key repeated in the batch, then new seqs", async () => {
    const { backend, namespace } = await h.setup();
    const s = logScope(namespace);
    await backend.append(s, [{ value: "a", idempotencyKey: "k1" }]);
    const got = await backend.append(s, [
      { value: "b", idempotencyKey: "k2" },
      { value: "a again", idempotencyKey: "k1" },
      { value: "b again", idempotencyKey: "k2" },
      { value: "c" },
    ]);
    expect(got.map((e) => ({ ...e }))).toEqual([
      { seq: 2, value: "b", idempotencyKey: "k2", duplicate: false },
      { seq: 1, value: "a", idempotencyKey: "k1", duplicate: true },
      { seq: 2, value: "b", idempotencyKey: "k2", duplicate: true },
      { seq: 3, value: "c", duplicate: false },
    ]);
    expect(await backend.logLength(s)).toBe(3);
  });

  it("refuses a batch with an unknown op before running any of its reads", async () => {
    const { backend, namespace } = await h.setup();
    const s = recordsScope(namespace);
    const e = (await expectCode(
      backend.batch([{ op: "get", scope: s, key: "a" }, { op: "put", scope: s } as never]),
      "VALIDATION_FAILED",
    )) as unknown as { message: string; details: Record<string, unknown> };
    expect(e.message).toBe(`reads.1.op: ${UNKNOWN_OP}`);
    expect(e.details).toEqual({
      issues: [{ path: "reads.1.op", message: UNKNOWN_OP }],
      allowed: [...BATCH_OPS],
    });
    await expectValidation(backend.batch("get" as never), "reads", "must be an array");
  });

  it("lists its raw keys with rawKeys(namespace): a promise of the namespace's keys, sorted", async () => {
    const { backend, namespace } = await h.setup();
    const lister = backend as MemoryBackend & Partial<RawKeyListing>;
    expect(typeof lister.rawKeys).toBe("function");
    await backend.put(recordsScope(namespace), "b", 1);
    await backend.put(recordsScope(namespace, "p"), "a", 1);
    await backend.append(logScope(namespace), [{ value: 1 }]);
    const other = `${namespace}-other`;
    await backend.put(recordsScope(other), "x", 1);
    const pending = lister.rawKeys!(namespace);
    expect(pending).toBeInstanceOf(Promise);
    const keys = await pending;
    expect(keys.length).toBeGreaterThanOrEqual(3);
    expect([...keys].sort()).toEqual(keys);
    expect(keys.some((k) => k.includes(other))).toBe(false);
    await backend.clear(recordsScope(other));
  });
}
