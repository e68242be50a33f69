import { describe, expect, it } from "vitest";
import { planIdempotentAppend, validateAppend } from "./append.js";
import { type TtaError, ValidationError } from "./errors.js";

function errorOf(fn: () => unknown): TtaError {
  try {
    fn();
  } catch (e) {
    return e as TtaError;
  }
  throw new Error("expected a throw");
}

describe("validateAppend", () => {
  it("serialises each value and keeps idempotency keys, in order", () => {
    expect(validateAppend([{ value: { a: 1 } }, { value: "x", idempotencyKey: "k" }])).toEqual([
      { json: '{"a":1}' },
      { json: '"x"', idempotencyKey: "k" },
    ]);
  });

  it.each([
    [[], "items: must be a non-empty array", "items"],
    [undefined, "items: must be a non-empty array", "items"],
    [{ value: 1 }, "items: must be a non-empty array", "items"],
    [[{ value: 1 }, null], "items.1: must be an object with a value", "items.1"],
    [
      [{ value: 1, idempotencyKey: "" }],
      "items.0.idempotencyKey: must be a non-empty string",
      "items.0.idempotencyKey",
    ],
    [
      [{ value: 1, idempotencyKey: 7 }],
      "items.0.idempotencyKey: must be a non-empty string",
      "items.0.idempotencyKey",
    ],
    [[{ value: 1 }, { value: Number.NaN }], "items.1.value: numbers must be finite", "items.1.value"],
    [[{ value: () => 1 }], "items.0.value: a function is not JSON", "items.0.value"],
    [[{}], "items.0.value: must be a JSON value", "items.0.value"],
  ])("refuses %j with VALIDATION_FAILED: %s", (items, message, path) => {
    const e = errorOf(() => validateAppend(items));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.toJSON()).toEqual({
      code: "VALIDATION_FAILED",
      message,
      details: { issues: [{ path, message: message.slice(path.length + 2) }] },
    });
  });

  it("uses the serializer it is given, with the item's path", () => {
    const seen: string[] = [];
    const prepared = validateAppend([{ value: 1 }, { value: 2 }], (v, path) => {
      seen.push(path);
      return String(v);
    });
    expect(prepared).toEqual([{ json: "1" }, { json: "2" }]);
    expect(seen).toEqual(["items.0.value", "items.1.value"]);
  });
});

describe("planIdempotentAppend", () => {
  it("gives new items consecutive seqs after the last one", () => {
    const plan = planIdempotentAppend([{ json: '"a"' }, { json: '"b"' }], 4, () => null);
    expect(plan.fresh).toEqual([
      { seq: 5, json: '"a"' },
      { seq: 6, json: '"b"' },
    ]);
    expect(plan.entries).toEqual([
      { seq: 5, value: "a", duplicate: false },
      { seq: 6, value: "b", duplicate: false },
    ]);
  });

  it("returns the logged entry for a key the log holds, and writes nothing for it", () => {
    const logged = { seq: 2, value: { old: true }, idempotencyKey: "k" };
    const plan = planIdempotentAppend([{ json: '"new"', idempotencyKey: "k" }, { json: '"c"' }], 3, (k) =>
      k === "k" ? logged : undefined,
    );
    expect(plan.entries).toEqual([
      { seq: 2, value: { old: true }, idempotencyKey: "k", duplicate: true },
      { seq: 4, value: "c", duplicate: false },
    ]);
    expect(plan.fresh).toEqual([{ seq: 4, json: '"c"' }]);
  });

  it("returns the batch's first entry for a key repeated within the batch", () => {
    const lookups: string[] = [];
    const plan = planIdempotentAppend(
      [
        { json: '"first"', idempotencyKey: "k" },
        { json: '"second"', idempotencyKey: "k" },
      ],
      0,
      (k) => {
        lookups.push(k);
        return null;
      },
    );
    expect(plan.entries).toEqual([
      { seq: 1, value: "first", idempotencyKey: "k", duplicate: false },
      { seq: 1, value: "first", idempotencyKey: "k", duplicate: true },
    ]);
    expect(plan.fresh).toEqual([{ seq: 1, json: '"first"', idempotencyKey: "k" }]);
    expect(lookups).toEqual(["k"]);
  });

  it("hands back values parsed from the JSON text, never the caller's objects", () => {
    const [entry] = planIdempotentAppend([{ json: '{"a":[1]}' }], 0, () => null).entries;
    expect(entry!.value).toEqual({ a: [1] });
  });
});
