import { describe, expect, it } from "vitest";
import { isTtaError } from "./errors.js";
import { checkBackendOptions, InvalidOptionsError, OptionRule } from "./options-check.js";

interface Opts {
  root?: string;
  timeoutMs?: number;
  size?: number;
  mode?: "a" | "b";
  flag?: boolean;
  clock?: { now(): number };
  client?: object;
  extra?: unknown;
}

const rules = {
  root: OptionRule.required(OptionRule.string()),
  timeoutMs: OptionRule.integer(1, 600_000),
  size: OptionRule.integer(4),
  mode: OptionRule.oneOf(["a", "b"]),
  flag: OptionRule.boolean(),
  clock: OptionRule.clock(),
  client: OptionRule.object("a client"),
  extra: OptionRule.any(),
};

function errorOf(fn: () => unknown): InvalidOptionsError {
  try {
    fn();
  } catch (e) {
    return e as InvalidOptionsError;
  }
  throw new Error("expected a throw");
}

describe("checkBackendOptions", () => {
  it("returns good options as they are", () => {
    const o: Opts = {
      root: "x",
      timeoutMs: 5,
      size: 4,
      mode: "b",
      flag: false,
      clock: { now: () => 1 },
      client: {},
    };
    expect(checkBackendOptions("test", o, rules)).toBe(o);
    expect(checkBackendOptions<{ clock?: object }>("test", undefined, { clock: OptionRule.clock() })).toEqual(
      {},
    );
  });

  it("lists every bad option in one VALIDATION_FAILED naming the backend", () => {
    const e = errorOf(() =>
      checkBackendOptions(
        "test",
        { root: "", timeoutMs: 0, size: 2.5, mode: "c", flag: 1, clock: {}, client: null } as unknown as Opts,
        rules,
      ),
    );
    expect(e).toBeInstanceOf(InvalidOptionsError);
    expect(isTtaError(e) && e.code).toBe("VALIDATION_FAILED");
    expect(e.details.backend).toBe("test");
    expect(e.details.issues).toEqual([
      { path: "root", message: "must be a non-empty string" },
      { path: "timeoutMs", message: "must be an integer from 1 to 600000" },
      { path: "size", message: "must be an integer of at least 4" },
      { path: "mode", message: 'must be one of "a", "b"' },
      { path: "flag", message: "must be true or false" },
      { path: "clock", message: "must be a clock (an object with now())" },
      { path: "client", message: "must be a client" },
    ]);
    expect(e.message).toBe(
      "Invalid test backend options: root: must be a non-empty string; timeoutMs: must be an integer from 1 to 600000; " +
        'size: must be an integer of at least 4; mode: must be one of "a", "b"; flag: must be true or false; ' +
        "clock: must be a clock (an object with now()); client: must be a client",
    );
  });

  it("says a required option is missing", () => {
    expect(errorOf(() => checkBackendOptions("test", {}, rules)).message).toBe(
      "Invalid test backend options: root: is required",
    );
  });

  it("refuses options that are not an object", () => {
    expect(errorOf(() => checkBackendOptions("test", 5 as unknown as Opts, rules)).details.issues).toEqual([
      { path: "(root)", message: "must be an object" },
    ]);
  });

  it("runs the rules across options only once each option is fine on its own", () => {
    const also = (o: Opts) =>
      o.timeoutMs && o.size ? [{ path: "(root)", message: "give timeoutMs or size" }] : [];
    expect(
      errorOf(() => checkBackendOptions("test", { root: "r", timeoutMs: 1, size: 5 }, rules, also)).message,
    ).toBe("Invalid test backend options: (root): give timeoutMs or size");
    expect(
      errorOf(() => checkBackendOptions("test", { root: "r", timeoutMs: 0, size: 5 }, rules, also)).message,
    ).toBe("Invalid test backend options: timeoutMs: must be an integer from 1 to 600000");
  });
});
