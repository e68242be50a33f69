import { describe, expect, it } from "vitest";
import * as errors from "./errors.js";
import { ERROR_CODES, isTtaError, type TtaError, toTtaError } from "./errors.js";

const samples: TtaError[] = [
  new errors.ValidationError("bad", { issues: [] }),
  new errors.NameInvalidError("bad name"),
  new errors.LimitExceededError("too big", { limit: 1 }),
  new errors.SessionNotFoundError("a-b-2025-01-01", "ns"),
  new errors.GroupNotFoundError("g"),
  new errors.MemoryNotFoundError("mem_x"),
  new errors.PafFileNotFoundError(["/a/PAFCORE.md"]),
  new errors.AlreadyExistsError("exists"),
  new errors.SessionNotActiveError("s", "completed"),
  new errors.GroupNotActiveError("g", "closed"),
  new errors.InvalidTransitionError("group", "g", "archived", "active", []),
  new errors.VersionConflictError("Record", 1, 2),
  new errors.PafParseError("parse"),
  new errors.NotSupportedError("nope"),
  new errors.BackendUnavailableError("down"),
  new errors.BackendCorruptError("corrupt", { place: "file:1" }),
  new errors.UnauthorizedError(),
  new errors.ForbiddenError("no"),
  new errors.InternalError("bug", {}, { cause: new Error("inner") }),
];

describe("errors", () => {
  it("has one subclass for every code", () => {
    expect(new Set(samples.map((e) => e.code))).toEqual(new Set(ERROR_CODES));
  });

  it.each(samples.map((e) => [e.code, e] as const))(
    "%s serialises to { code, message, details } and no stack",
    (_c, e) => {
      const json = JSON.parse(JSON.stringify(e));
      expect(Object.keys(json).sort()).toEqual(["code", "details", "message"]);
      expect(json.code).toBe(e.code);
      expect(typeof json.message).toBe("string");
      expect(json.message.length).toBeGreaterThan(0);
      expect(JSON.stringify(e)).not.toContain("at ");
      expect(isTtaError(e)).toBe(true);
      expect(e).toBeInstanceOf(Error);
    },
  );

  it("names both versions in a conflict and both states in a bad transition", () => {
    const c = new errors.VersionConflictError("Group g", 3, 5);
    expect(c.details).toEqual({ expected: 3, currentVersion: 5 });
    expect(c.message).toMatch(/3.*5/);
    const t = new errors.InvalidTransitionError("group", "g", "archived", "active", []);
    expect(t.message).toContain("archived");
    expect(t.message).toContain("active");
  });

  it("normalises unknown throwables to INTERNAL once and keeps tta errors as they are", () => {
    const e = new errors.ValidationError("x");
    expect(toTtaError(e)).toBe(e);
    const wrapped = toTtaError(new TypeError("boom"));
    expect(wrapped.code).toBe("INTERNAL");
    expect(wrapped.message).toContain("boom");
    expect(toTtaError("str").code).toBe("INTERNAL");
    expect(isTtaError({ code: "INTERNAL" })).toBe(false);
  });
});
