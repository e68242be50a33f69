import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compareKeys,
  decodeSegment,
  encodeSegment,
  isWellFormed,
  keyFor,
  scopePrefix,
  serializeValue,
  validateTrimSeq,
} from "./keys.js";

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

describe("serializeValue", () => {
  /** What the checking path alone gives: the text, or the message it refuses with. */
  function checked(value: unknown): string {
    try {
      const text = JSON.stringify(value, (_k, v) => {
        if (typeof v === "number" && !Number.isFinite(v)) throw new Error("finite");
        if (typeof v === "bigint" || typeof v === "function" || typeof v === "symbol")
          throw new Error("type");
        return v;
      });
      return text === undefined ? "refused" : text;
    } catch {
      return "refused";
    }
  }
  const outcome = (value: unknown): string => {
    try {
      return serializeValue(value);
    } catch (err) {
      expect((err as { code?: string }).code).toBe("VALIDATION_FAILED");
      return "refused";
    }
  };
  const odd = fc.oneof(
    fc.constant(undefined),
    fc.constant(Number.NaN),
    fc.constant(Number.POSITIVE_INFINITY),
    fc.constant(() => 1),
    fc.constant(Symbol("s")),
    fc.constant(10n),
    fc.date({ noInvalidDate: true }),
    fc.constant(Object.create(null) as object),
    fc.constant({ toJSON: () => "custom" }),
  );
  const value = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: "small" }, fc.jsonValue(), odd, tie("array"), tie("object")),
    array: fc.array(tie("any"), { maxLength: 4 }),
    object: fc.dictionary(fc.string({ maxLength: 6 }), tie("any"), { maxKeys: 4 }),
  })).any;

  it("gives the text the checking path gives, or refuses what it refuses, for any value", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(outcome(v)).toBe(checked(v));
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps the meaning of sparse arrays and values nested past the fast path's depth", () => {
    let deep: unknown = [Number.NaN];
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(outcome(deep)).toBe("refused");
    let fine: unknown = "leaf";
    for (let i = 0; i < 40; i++) fine = [fine];
    expect(outcome(fine)).toBe(JSON.stringify(fine));
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    expect(outcome([1, , 3])).toBe("[1,null,3]");
    expect(outcome({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
  });
});

describe("validateTrimSeq", () => {
  it("takes an integer from 1 and refuses anything else with beforeSeq: must be a positive integer", () => {
    expect(validateTrimSeq(1)).toBe(1);
    expect(validateTrimSeq(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "3", null, undefined]) {
      expect(() => validateTrimSeq(bad), String(bad)).toThrow("beforeSeq: must be a positive integer");
    }
  });
});
