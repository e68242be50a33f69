import { InvalidOptionsError } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { createKeyvBackend } from "./keyv-backend.js";

describe("keyv backend options", () => {
  it("names every bad option in one VALIDATION_FAILED before touching the store", () => {
    const create = () =>
      createKeyvBackend({ store: new Map(), clock: {} as never, timeoutMs: 0, indexPageSize: 1.5 });
    expect(create).toThrow(InvalidOptionsError);
    expect(create).toThrow(
      "Invalid keyv backend options: clock: must be a clock (an object with now()); " +
        "timeoutMs: must be an integer of at least 1; indexPageSize: must be an integer of at least 1",
    );
  });
});
