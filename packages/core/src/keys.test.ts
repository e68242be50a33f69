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

describe("encodeSegment", () => {
  it("matches a byte-by-byte UTF-8 percent-encoder on any well-formed string", () => {
    const reference = (s: string) =>
      [...s]
        .map((ch) =>
          /^[A-Za-z0-9_-]$/.test(ch)
            ? ch
            : [...new TextEncoder().encode(ch)]
                .map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`)
                .join(""),
        )
        .join("");
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        fc.pre(isWellFormed(s));
        expect(encodeSegment(s)).toBe(reference(s));
      }),
      { numRuns: 2000 },
    );
    expect(encodeSegment("a.b!c~d*e'f(g)h")).toBe("a%2Eb%21c%7Ed%2Ae%27f%28g%29h");
  });
});
