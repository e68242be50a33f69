import { ERROR_CODES } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { EXIT_CODES, exitCodeFor } from "./exit-codes.js";

describe("exit codes", () => {
  it("has an exit code for every core error code", () => {
    expect(Object.keys(EXIT_CODES).sort()).toEqual([...ERROR_CODES].sort());
  });

  it("follows the table of docs/contract.md#error-codes", () => {
    expect(EXIT_CODES.VALIDATION_FAILED).toBe(2);
    expect(EXIT_CODES.LIMIT_EXCEEDED).toBe(2);
    expect(EXIT_CODES.PAF_PARSE_ERROR).toBe(2);
    expect(EXIT_CODES.SESSION_NOT_FOUND).toBe(3);
    expect(EXIT_CODES.VERSION_CONFLICT).toBe(4);
    expect(EXIT_CODES.BACKEND_CORRUPT).toBe(5);
    expect(EXIT_CODES.FORBIDDEN).toBe(6);
    expect(EXIT_CODES.INTERNAL).toBe(70);
    expect(exitCodeFor("SOMETHING_ELSE")).toBe(70);
  });
});
