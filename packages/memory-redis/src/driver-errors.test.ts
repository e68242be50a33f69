import { BackendCorruptError, VersionConflictError } from "@tta-dev/core";
import { ReplyError } from "ioredis";
import { describe, expect, it } from "vitest";
import { mapDriverError } from "./driver-errors.js";

describe("mapDriverError", () => {
  it("maps wrong types and script corruption reports to BACKEND_CORRUPT", () => {
    for (const message of [
      "WRONGTYPE Operation against a key holding the wrong kind of value script: abc, on @user_script:3.",
      "TTACORRUPT record header at tta:{n}:c:r:k",
      "ERR value is not an integer or out of range",
    ]) {
      const e = mapDriverError(new ReplyError(message), "get", "tta:{n}:c:r:k");
      expect(e.code, message).toBe("BACKEND_CORRUPT");
      expect(e.details).toMatchObject({ place: "tta:{n}:c:r:k", operation: "get" });
    }
  });

  it("maps connection, timeout, loading and cluster errors to BACKEND_UNAVAILABLE", () => {
    const errors = [
      Object.assign(new Error("Reached the max retries per request limit (which is 0)."), {
        name: "MaxRetriesPerRequestError",
      }),
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }),
      new Error("Connection is closed."),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error("Command timed out"),
      new ReplyError("LOADING Redis is loading the dataset in memory"),
      new ReplyError("CLUSTERDOWN The cluster is down"),
      new ReplyError("TRYAGAIN Multiple keys request during rehashing of slot"),
      new Error("Failed to refresh slots cache."),
    ];
    for (const err of errors)
      expect(mapDriverError(err, "put", "k").code, err.message).toBe("BACKEND_UNAVAILABLE");
  });

  it("passes tta errors through and turns anything else into INTERNAL", () => {
    const conflict = new VersionConflictError("x", 1, 2);
    expect(mapDriverError(conflict, "put", "k")).toBe(conflict);
    const corrupt = new BackendCorruptError("bad");
    expect(mapDriverError(corrupt, "put", "k")).toBe(corrupt);
    expect(mapDriverError(new ReplyError("ERR unknown command"), "put", "k").code).toBe("INTERNAL");
    expect(mapDriverError("a string", "put", "k").code).toBe("INTERNAL");
  });
});
