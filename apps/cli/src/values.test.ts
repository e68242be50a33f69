import { codeOf } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { convertValue, parseDuration, parseKeyValues } from "./values.js";

describe("command-line values", () => {
  it("reads durations in ms, s, m, h, d and bare seconds", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("30")).toBe(30_000);
    expect(parseDuration("15m")).toBe(900_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("7d")).toBe(604_800_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(codeOf(() => parseDuration("soon", "--ttl"))).toBe("VALIDATION_FAILED");
  });

  it("reads key=value words, JSON values when they parse, strings otherwise", () => {
    expect(
      parseKeyValues(["priority=high", "sprint=42", "done=null", "x=a=b", "tags=[1,2]"], "patch"),
    ).toEqual({
      priority: "high",
      sprint: 42,
      done: null,
      x: "a=b",
      tags: [1, 2],
    });
    expect(codeOf(() => parseKeyValues(["novalue"], "patch"))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => parseKeyValues(["=x"], "patch"))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => parseKeyValues(["__proto__=1"], "patch"))).toBe("VALIDATION_FAILED");
  });

  it("converts integers, numbers and JSON strictly", () => {
    expect(convertValue("integer", "42", "--limit")).toBe(42);
    expect(convertValue("integer", ["1", "2"], "--x")).toEqual([1, 2]);
    expect(codeOf(() => convertValue("integer", "4.2", "--limit"))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => convertValue("integer", "12abc", "--limit"))).toBe("VALIDATION_FAILED");
    expect(convertValue("number", "0.75", "--importance")).toBe(0.75);
    expect(codeOf(() => convertValue("number", "", "--importance"))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => convertValue("number", "NaN", "--importance"))).toBe("VALIDATION_FAILED");
    expect(convertValue("json", '{"a":[1]}', "<json>")).toEqual({ a: [1] });
    expect(codeOf(() => convertValue("json", "{bad", "<json>"))).toBe("VALIDATION_FAILED");
  });
});
