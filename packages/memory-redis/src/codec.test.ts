import { codeOf } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { decodeEntry, decodeRecord, encodeEntry } from "./codec.js";

describe("record codec", () => {
  it("decodes version, expiry and value, and hides an expired record", () => {
    expect(decodeRecord('3::{"a":1}', "k", 10, "p")).toEqual({
      key: "k",
      value: { a: 1 },
      version: 3,
      expiresAt: null,
    });
    expect(decodeRecord("1:100:true", "k", 99, "p")).toEqual({
      key: "k",
      value: true,
      version: 1,
      expiresAt: 100,
    });
    expect(decodeRecord("1:100:true", "k", 100, "p")).toBeNull();
  });

  it("fails BACKEND_CORRUPT naming the place for anything malformed", () => {
    for (const raw of ["", "x", "0::1", "1:x:1", "1::{", "1::", 42, Buffer.from("1::1")]) {
      expect(
        codeOf(() => decodeRecord(raw, "k", 0, "tta:{n}:c:r:k")),
        String(raw),
      ).toBe("BACKEND_CORRUPT");
    }
    try {
      decodeRecord("junk", "k", 0, "tta:{n}:c:r:k");
    } catch (e) {
      expect((e as Error).message).toContain("tta:{n}:c:r:k");
    }
  });
});

describe("log entry codec", () => {
  it("round-trips values with and without an idempotency key", () => {
    expect(decodeEntry(encodeEntry('{"x":[1,2]}'), 7, "p")).toEqual({ seq: 7, value: { x: [1, 2] } });
    expect(decodeEntry(encodeEntry('"v"', 'k"\\'), 1, "p")).toEqual({
      seq: 1,
      value: "v",
      idempotencyKey: 'k"\\',
    });
    expect(decodeEntry(encodeEntry("null"), 1, "p")).toEqual({ seq: 1, value: null });
  });

  it("fails BACKEND_CORRUPT for anything that is not [value] or [value, key]", () => {
    for (const raw of ["", "{}", "[]", "[1,2,3]", "[1,2]", "[1", 5, null]) {
      expect(
        codeOf(() => decodeEntry(raw, 1, "log")),
        String(raw),
      ).toBe("BACKEND_CORRUPT");
    }
  });
});
