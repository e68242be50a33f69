import { InvalidOptionsError } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { resolveOptions } from "./options.js";

describe("file backend options", () => {
  it("applies the defaults", () => {
    expect(resolveOptions({ root: "/tmp/x" })).toMatchObject({
      root: "/tmp/x",
      durability: "os",
      lockStaleMs: 30_000,
      lockTimeoutMs: 10_000,
      maxOpenFiles: 256,
    });
  });

  it("names every bad option in one VALIDATION_FAILED", () => {
    const resolve = () =>
      resolveOptions({ root: "", durability: "disk" as never, lockStaleMs: 5, clock: {} as never });
    expect(resolve).toThrow(InvalidOptionsError);
    expect(resolve).toThrow(
      'Invalid file backend options: root: must be a non-empty string; durability: must be one of "fsync", "os"; ' +
        "clock: must be a clock (an object with now()); lockStaleMs: must be an integer of at least 100",
    );
  });
});
