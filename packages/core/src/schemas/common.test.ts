import { describe, expect, it } from "vitest";
import { Metadata } from "./common.js";

describe("Metadata schema", () => {
  it("refuses prototype-reaching keys that a record would silently drop", () => {
    const r = Metadata.safeParse(JSON.parse('{"ok":1,"nested":{"__proto__":{"polluted":true}}}'));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["nested", "__proto__"]);
    expect(Metadata.safeParse({ constructor: 1 }).success).toBe(false);
    expect(Metadata.safeParse({ priority: "high", sprint: 42, list: [{ a: null }] }).success).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
