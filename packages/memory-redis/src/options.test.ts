import { InvalidOptionsError } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { createRedisBackend } from "./redis-backend.js";

describe("redis backend options", () => {
  it("names every bad option in one VALIDATION_FAILED before opening a connection", () => {
    const create = () => createRedisBackend({ keyPrefix: "a b", clock: {} as never, commandTimeoutMs: 0 });
    expect(create).toThrow(InvalidOptionsError);
    expect(create).toThrow(
      "Invalid redis backend options: keyPrefix: must match [A-Za-z0-9_.-]{1,64}; " +
        "clock: must be a clock (an object with now()); commandTimeoutMs: must be an integer from 1 to 600000",
    );
  });

  it("refuses two sources of a connection", () => {
    expect(() => createRedisBackend({ url: "redis://127.0.0.1:1", cluster: { nodes: [] } })).toThrow(
      "Invalid redis backend options: (root): give one of url (optionally with options), redis, options or cluster",
    );
  });
});
