import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";

describe("canonicalJson", () => {
  it("gives the same text whatever order the keys were set in, at every depth", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 1, e: 2 }], c: 2 } })).toBe(
      canonicalJson({ a: { c: 2, d: [1, { e: 2, f: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
  });

  it("sorts integer-like keys by code units too, and keeps a __proto__ key as an ordinary key", () => {
    expect(canonicalJson({ 9: "x", 10: "y", a: 1 })).toBe('{"10":"y","9":"x","a":1}');
    expect(canonicalJson(JSON.parse('{"z":1,"__proto__":{"x":1}}'))).toBe('{"__proto__":{"x":1},"z":1}');
  });

  it("leaves out undefined members and writes null where JSON would", () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
    expect(canonicalJson(undefined)).toBe("null");
  });

  it("parses back to the same value, is stable under a round trip, and indents as JSON.stringify does", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 4 }), (value, indent) => {
        const text = canonicalJson(value, indent);
        const back = JSON.parse(text) as unknown;
        expect(back).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(back, indent)).toBe(text);
        // JSON.parse keeps the sorted order of keys, except that it puts integer-like keys first.
        fc.pre(!/"(0|[1-9]\d*)":/.test(text));
        expect(JSON.stringify(back, null, indent)).toBe(text);
      }),
    );
  });

  it("indents objects and arrays, empty ones on one line", () => {
    expect(canonicalJson({ b: [], a: { y: [1], x: {} } }, 2)).toBe(
      '{\n  "a": {\n    "x": {},\n    "y": [\n      1\n    ]\n  },\n  "b": []\n}',
    );
    expect(canonicalJson({ b: [], a: { y: [1], x: {} } }, 2)).toBe(
      JSON.stringify({ a: { x: {}, y: [1] }, b: [] }, null, 2),
    );
  });
});
