import { InvalidOptionsError } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { createInMemoryBackend } from "./inmemory-backend.js";

describe("in-memory backend options", () => {
  it("refuses a clock without now() the way every backend refuses a bad option", () => {
    const create = () => createInMemoryBackend({ clock: {} as never });
    expect(create).toThrow(InvalidOptionsError);
    expect(create).toThrow("Invalid memory backend options: clock: must be a clock (an object with now())");
  });
});
