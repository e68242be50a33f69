import { describe, expect, it } from "vitest";
import { CUT_MARK, fit } from "./text.js";

describe("fit", () => {
  it("keeps text within the limit and cuts longer text on a character boundary, marked", () => {
    expect(fit("short", 100)).toBe("short");
    const cut = fit("€".repeat(100), 60);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(60);
    expect(cut.endsWith(CUT_MARK)).toBe(true);
    expect(cut.slice(0, -CUT_MARK.length)).toMatch(/^€+$/);
  });
});
