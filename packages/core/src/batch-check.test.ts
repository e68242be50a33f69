import { describe, expect, it } from "vitest";
import { runBatchSequentially } from "./batch.js";
import { BATCH_OPS, checkBatchReads, UnknownBatchOpError } from "./batch-check.js";
import { isTtaError } from "./errors.js";

const scope = { namespace: "n", collection: "c" };

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
}

describe("checkBatchReads", () => {
  it("accepts every batch op", () => {
    expect(() =>
      checkBatchReads([
        { op: "get", scope, key: "a" },
        { op: "getMany", scope, keys: [] },
        { op: "list", scope },
        { op: "readLog", scope },
        { op: "logLength", scope },
      ]),
    ).not.toThrow();
    expect(BATCH_OPS).toEqual(["get", "getMany", "list", "readLog", "logLength"]);
  });

  it("names the first unknown op with its index and the ops allowed", () => {
    const e = errorOf(() =>
      checkBatchReads([
        { op: "get", scope, key: "a" },
        { op: "put", scope },
      ]),
    );
    expect(e).toBeInstanceOf(UnknownBatchOpError);
    expect((e as UnknownBatchOpError).toJSON()).toEqual({
      code: "VALIDATION_FAILED",
      message: 'reads.1.op: unknown op "put"; expected one of get, getMany, list, readLog, logLength',
      details: {
        issues: [
          {
            path: "reads.1.op",
            message: 'unknown op "put"; expected one of get, getMany, list, readLog, logLength',
          },
        ],
        allowed: [...BATCH_OPS],
      },
    });
  });

  it("treats a read that is not an object, or has no op, as an unknown op", () => {
    expect((errorOf(() => checkBatchReads([null])) as Error).message).toMatch(
      /^reads\.0\.op: unknown op \(none\);/,
    );
    expect((errorOf(() => checkBatchReads([{ scope }])) as Error).message).toMatch(
      /^reads\.0\.op: unknown op \(none\);/,
    );
    expect((errorOf(() => checkBatchReads([{ op: 3 }])) as Error).message).toMatch(
      /^reads\.0\.op: unknown op 3;/,
    );
  });

  it("refuses reads that are not an array", () => {
    const e = errorOf(() => checkBatchReads("get"));
    expect(isTtaError(e) && e.toJSON()).toEqual({
      code: "VALIDATION_FAILED",
      message: "reads: must be an array",
      details: { issues: [{ path: "reads", message: "must be an array" }] },
    });
  });

  it("makes runBatchSequentially fail before any read runs", async () => {
    let calls = 0;
    const count = async () => {
      calls++;
      return null;
    };
    const backend = { get: count, getMany: count, list: count, readLog: count, logLength: count } as never;
    await expect(
      runBatchSequentially(backend, [{ op: "get", scope, key: "a" }, { op: "nope" } as never]),
    ).rejects.toBeInstanceOf(UnknownBatchOpError);
    expect(calls).toBe(0);
  });
});
