import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasErrorCode } from "./errors.js";
import {
  checkGroupId,
  checkSessionId,
  isNamespace,
  isSafeId,
  NAMESPACE_REGEX,
  normalizeTags,
  parseSessionName,
} from "./ids.js";

const segment = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const date = fc
  .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe("session names", () => {
  it("parses the seed's examples into component, purpose and date", () => {
    expect(parseSessionName("user-prefs-feature-2025-10-28")).toEqual({
      component: "user-prefs",
      purpose: "feature",
      date: "2025-10-28",
    });
    expect(parseSessionName("agent-orchestration-refactor-2025-10-28")).toEqual({
      component: "agent-orchestration",
      purpose: "refactor",
      date: "2025-10-28",
    });
    expect(parseSessionName("api-debug-timeout-2025-10-28")).toEqual({
      component: "api-debug",
      purpose: "timeout",
      date: "2025-10-28",
    });
    expect(parseSessionName("auth-research-2025-10-28")).toEqual({
      component: "auth",
      purpose: "research",
      date: "2025-10-28",
    });
  });

  it("accepts every generated well-formed name under the strict policy", () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 2, maxLength: 6 }), date, (segs, d) => {
        const id = `${segs.join("-")}-${d}`;
        fc.pre(id.length <= 128);
        const r = checkSessionId(id, "strict");
        expect(r.parts?.date).toBe(d);
        expect(`${r.parts?.component}-${r.parts?.purpose}-${r.parts?.date}`).toBe(id);
      }),
    );
  });

  const bad = [
    "../etc/passwd-x-2025-10-28",
    "a/b-c-2025-10-28",
    "a\\b-c-2025-10-28",
    "..-x-2025-10-28",
    "one-2025-10-28",
    "Upper-case-2025-10-28",
    "a-b-2025-02-30",
    "a-b-2023-02-29",
    "a-b-2025-13-01",
    "a-b-2025-00-10",
    "a-b-25-10-28",
    "a--b-2025-10-28",
    "a-b-2025-10-28-",
    "a-b-2025-10-28\n",
    "a\u0000b-c-2025-10-28",
    "a b-c-2025-10-28",
    `${"a".repeat(118)}-b-2025-10-28`,
    "",
  ];

  it.each(bad)("refuses %j with NAME_INVALID naming the pattern and an example", (id) => {
    let err: unknown;
    try {
      checkSessionId(id, "strict");
    } catch (e) {
      err = e;
    }
    expect(hasErrorCode(err, "NAME_INVALID")).toBe(true);
    expect((err as Error).message).toContain("user-prefs-feature-2025-10-28");
  });

  it("refuses generated hostile names: traversal, slashes, control characters, over 128 characters", () => {
    const hostile = fc.oneof(
      fc
        .tuple(fc.string(), fc.constantFrom("/", "\\", "..", "\u0000", "\n", "\u007f", "\u001b"))
        .map(([s, h]) => `${s}${h}${s}-x-2025-10-28`),
      fc.string({ minLength: 129, maxLength: 300 }),
      fc
        .tuple(segment, segment, fc.integer({ min: 30, max: 31 }))
        .map(([a, b, d]) => `${a}-${b}-2025-02-${d}`),
    );
    fc.assert(
      fc.property(hostile, (id) => {
        expect(() => checkSessionId(id, "strict")).toThrow(expect.objectContaining({ code: "NAME_INVALID" }));
        if (/[/\\\u0000-\u001f\u007f]|\.\./.test(id) || id.length > 128) {
          expect(() => checkSessionId(id, "off")).toThrow(expect.objectContaining({ code: "NAME_INVALID" }));
          expect(() => checkSessionId(id, "warn")).toThrow(expect.objectContaining({ code: "NAME_INVALID" }));
        }
      }),
    );
  });

  it("accepts safe free-form ids under warn (with a warning) and off, never unsafe ones", () => {
    expect(checkSessionId("legacy_Session.1", "warn").warning).toMatch(/does not follow/);
    expect(checkSessionId("legacy_Session.1", "off")).toEqual({ id: "legacy_Session.1", parts: null });
    expect(() => checkSessionId("legacy_Session.1", "strict")).toThrow(
      expect.objectContaining({ code: "NAME_INVALID" }),
    );
    for (const id of ["..", "a..b", ".hidden", "-x", "a/b", "x".repeat(129)]) {
      expect(isSafeId(id)).toBe(false);
      expect(() => checkSessionId(id, "off")).toThrow(expect.objectContaining({ code: "NAME_INVALID" }));
    }
  });
});

describe("group names and tags", () => {
  it("accepts kebab-case group names up to 64 characters", () => {
    expect(checkGroupId("user-preferences-system")).toBe("user-preferences-system");
    expect(() => checkGroupId("a".repeat(65))).toThrow(expect.objectContaining({ code: "NAME_INVALID" }));
    expect(() => checkGroupId("Feature_Auth")).toThrow(expect.objectContaining({ code: "NAME_INVALID" }));
    expect(checkGroupId("Feature_Auth", { legacy: true })).toBe("Feature_Auth");
    expect(() => checkGroupId("../x", { legacy: true })).toThrow(
      expect.objectContaining({ code: "NAME_INVALID" }),
    );
  });

  it("lower-cases and de-duplicates tags and refuses bad ones", () => {
    expect(normalizeTags(["Redis", "redis", "perf:p99", "a/b"])).toEqual(["redis", "perf:p99", "a/b"]);
    expect(() => normalizeTags(["ok", "bad tag"])).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => normalizeTags(["-x"])).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    expect(() => normalizeTags(["x".repeat(65)])).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => normalizeTags([42])).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });
});

describe("namespaces", () => {
  it("NAMESPACE_REGEX accepts exactly the safe ids of at most 64 characters", () => {
    const text = fc.string({ unit: fc.constantFrom("a", "Z", "0", ".", "_", "-", "/", " "), maxLength: 70 });
    fc.assert(
      fc.property(text, (ns) => {
        expect(isNamespace(ns)).toBe(isSafeId(ns) && ns.length <= 64);
        expect(NAMESPACE_REGEX.test(ns)).toBe(isNamespace(ns));
      }),
    );
    expect(isNamespace("team-a")).toBe(true);
    expect(isNamespace("a..b")).toBe(false);
    expect(isNamespace("x".repeat(65))).toBe(false);
  });
});
