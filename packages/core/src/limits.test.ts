import { describe, expect, it } from "vitest";
import { checkByteLimit, checkMetadata, DEFAULT_LIMITS, resolveLimits, utf8Length } from "./limits.js";

describe("limits", () => {
  it("counts UTF-8 bytes like Buffer does", () => {
    for (const s of ["", "abc", "é", "€", "🦊", "a\uD800b", "日本語🦊x"])
      expect(utf8Length(s)).toBe(Buffer.byteLength(s));
  });

  it("refuses prototype-reaching keys at any depth, from JSON.parse too", () => {
    expect(() => checkMetadata(JSON.parse('{"__proto__":{"x":1}}'), DEFAULT_LIMITS)).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => checkMetadata({ a: { constructor: 1 } }, DEFAULT_LIMITS)).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => checkMetadata({ a: [{ prototype: 1 }] }, DEFAULT_LIMITS)).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => checkMetadata({ priority: "high", sprint: 42 }, DEFAULT_LIMITS)).not.toThrow();
  });

  it("refuses too many keys and too many bytes with LIMIT_EXCEEDED", () => {
    const many = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i]));
    expect(() => checkMetadata(many, DEFAULT_LIMITS)).toThrow(
      expect.objectContaining({ code: "LIMIT_EXCEEDED" }),
    );
    expect(() => checkMetadata({ big: "x".repeat(17_000) }, DEFAULT_LIMITS)).toThrow(
      expect.objectContaining({ code: "LIMIT_EXCEEDED" }),
    );
  });

  it("resolves overrides and refuses unknown or non-positive ones", () => {
    expect(resolveLimits({ batchAppend: 10 }).batchAppend).toBe(10);
    expect(() => resolveLimits({ batchAppend: 0 })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => resolveLimits({ nope: 1 } as never)).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
  });
});

describe("checkByteLimit", () => {
  it("counts UTF-8 bytes exactly at the limit, whatever the characters", () => {
    const ok = (text: string, max: number) =>
      expect(() => checkByteLimit(text, max, "content")).not.toThrow();
    const over = (text: string, max: number) =>
      expect(() => checkByteLimit(text, max, "content")).toThrow(/content is \d+ bytes; the limit is/);
    ok("a".repeat(30), 30);
    over("a".repeat(31), 30);
    ok("€".repeat(10), 30);
    over("€".repeat(11), 32);
    ok("😀".repeat(7), 28);
    over("😀".repeat(8), 31);
    ok(`${"é".repeat(15)}`, 30);
    over(`${"é".repeat(15)}a`, 30);
  });
});
