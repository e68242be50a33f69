import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareKeys, decodeSegment, encodeSegment, isWellFormed, keyFor, scopePrefix } from "./keys.js";

describe("key builder", () => {
  it("escapes every separator so segments never run into each other", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, unit: "binary" }),
        fc.string({ minLength: 1, unit: "binary" }),
        (a, b) => {
          fc.pre(isWellFormed(a) && isWellFormed(b));
          const ea = encodeSegment(a);
          expect(ea).toMatch(/^[A-Za-z0-9_%-]+$/);
          expect(decodeSegment(ea)).toBe(a);
          if (a !== b) {
            expect(keyFor({ namespace: a, collection: "c" }, "k")).not.toBe(
              keyFor({ namespace: b, collection: "c" }, "k"),
            );
          }
        },
      ),
    );
  });

  it("keeps acme from reading acme-corp or acme:x", () => {
    const acme = scopePrefix({ namespace: "acme", collection: "sessions" });
    for (const other of ["acme-corp", "acme:x", "acme}", "acme{"]) {
      expect(scopePrefix({ namespace: other, collection: "sessions" }).startsWith(`${acme}:`)).toBe(false);
    }
    expect(encodeSegment("..")).toBe("%2E%2E");
  });

  it("puts namespace and partition in one Redis hash tag", () => {
    expect(keyFor({ namespace: "ns", collection: "messages", partition: "a-b-2025-01-01" }, "log")).toBe(
      "tta:{ns:a-b-2025-01-01}:messages:log",
    );
  });

  it("orders keys by their encoded form", () => {
    expect(["b", "a:1", "a", "A"].sort(compareKeys)).toEqual(["A", "a", "a:1", "b"]);
  });
});
