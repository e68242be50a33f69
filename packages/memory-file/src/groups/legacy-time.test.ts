import { describe, expect, it } from "vitest";
import { legacyToIso } from "./legacy-time.js";

describe("legacyToIso", () => {
  it("reads naive timestamps with microseconds as UTC, cut to milliseconds", () => {
    expect(legacyToIso("2025-10-28T17:05:17.366397")).toBe("2025-10-28T17:05:17.366Z");
    expect(legacyToIso("2025-10-28T17:05:17.999999")).toBe("2025-10-28T17:05:17.999Z");
    expect(legacyToIso("2025-10-01T09:30:15.5")).toBe("2025-10-01T09:30:15.500Z");
    expect(legacyToIso("2024-02-29T23:59:59")).toBe("2024-02-29T23:59:59.000Z");
    expect(legacyToIso("2024-02-29 23:59")).toBe("2024-02-29T23:59:00.000Z");
  });

  it("converts stamps that carry a zone", () => {
    expect(legacyToIso("2025-10-28T17:05:17.366Z")).toBe("2025-10-28T17:05:17.366Z");
    expect(legacyToIso("2025-10-28T19:05:17.366397+02:00")).toBe("2025-10-28T17:05:17.366Z");
    expect(legacyToIso("2025-10-28T12:05:17-0500")).toBe("2025-10-28T17:05:17.000Z");
  });

  it("refuses what is not a time", () => {
    expect(legacyToIso("yesterday")).toBeNull();
    expect(legacyToIso("2025-13-45T99:00:00")).toBeNull();
    expect(legacyToIso("")).toBeNull();
  });
});
