import type { SessionGroup } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_GROUP_LIMITS, resolveGroupLimits } from "./group-limits.js";
import { decodeCursor, encodeCursor, matchesFilter, pageOf } from "./list-groups.js";

function group(id: string, tags: string[], status: SessionGroup["status"] = "active"): SessionGroup {
  const at = "2026-11-25T12:00:00.000Z";
  return {
    id,
    description: "",
    tags,
    sessionIds: [],
    status,
    metadata: {},
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

describe("list helpers", () => {
  it("round-trips a cursor, including a legacy id", () => {
    for (const id of ["feature-auth", "Feature_Auth.v1"]) expect(decodeCursor(encodeCursor(id))).toBe(id);
  });

  it("matches tags with all and any, and no tags as no filter", () => {
    const g = group("g", ["a", "b"]);
    expect(matchesFilter(g, { tags: [], tagMode: "all" })).toBe(true);
    expect(matchesFilter(g, { tags: ["a", "c"], tagMode: "all" })).toBe(false);
    expect(matchesFilter(g, { tags: ["a", "c"], tagMode: "any" })).toBe(true);
    expect(matchesFilter(g, { tags: ["a"], tagMode: "any", status: "closed" })).toBe(false);
  });

  it("pages in key order with a null cursor at the end", () => {
    const all = ["a", "b", "c"].map((id) => group(id, []));
    const first = pageOf(all, { tags: [], tagMode: "all" }, undefined, 2);
    expect(first.items.map((g) => g.id)).toEqual(["a", "b"]);
    const second = pageOf(all, { tags: [], tagMode: "all" }, first.nextCursor!, 2);
    expect(second).toEqual({ items: [all[2]], nextCursor: null });
    expect(pageOf(all, { tags: [], tagMode: "all" }, undefined, 3).nextCursor).toBeNull();
  });
});

describe("resolveGroupLimits", () => {
  it("merges overrides over the defaults", () => {
    expect(resolveGroupLimits({ sessionsPerGroup: 5 })).toEqual({
      ...DEFAULT_GROUP_LIMITS,
      sessionsPerGroup: 5,
    });
  });

  it("refuses unknown limits and non-positive values", () => {
    expect(() => resolveGroupLimits({ nope: 1 } as never)).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => resolveGroupLimits({ summaryBytes: 0 })).toThrow(/positive integer/);
  });
});
