import { join } from "node:path";
import { BackendCorruptError, BackendUnavailableError, SessionNotFoundError } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { errorRedactor } from "./redact.js";

// The shapes below are those the backends raise (memory-file corrupt/fs-utils/lock/file-backend,
// memory-redis driver-errors/codec/read-ops, memory-keyv codec/log-store/store-gateway).
const DATA = "/srv/work/project/.tta";
const redact = errorRedactor(DATA);

describe("errorRedactor", () => {
  it("names files of the file backend relative to the data directory", () => {
    const file = join(DATA, "sessions", "default", "auth-design-2025-10-01.log");
    const e = new BackendCorruptError(
      `Corrupt data in ${file}, line 3, byte 120: bad checksum or log header. The file was left untouched; repair or move it.`,
      { file, line: 3, offset: 120, reason: "bad checksum or log header" },
    );
    expect(redact(e)).toEqual({
      code: "BACKEND_CORRUPT",
      message:
        "Corrupt data in sessions/default/auth-design-2025-10-01.log, line 3, byte 120: bad checksum or log header. The file was left untouched; repair or move it.",
      details: {
        file: "sessions/default/auth-design-2025-10-01.log",
        line: 3,
        offset: 120,
        reason: "bad checksum or log header",
      },
    });
  });

  it("names the data directory itself '.', and replaces paths outside it", () => {
    const closed = new BackendUnavailableError("The file backend is closed.", {
      backend: "file",
      root: DATA,
    });
    expect(redact(closed).details).toEqual({ backend: "file", root: "." });
    const lock = join(DATA, "locks", "groups.lock");
    const timeout = new BackendUnavailableError(`Timed out after 5000 ms waiting for the lock ${lock}.`, {
      lock,
      timeoutMs: 5000,
    });
    expect(redact(timeout)).toMatchObject({
      message: "Timed out after 5000 ms waiting for the lock locks/groups.lock.",
      details: { lock: "locks/groups.lock", timeoutMs: 5000 },
    });
    const elsewhere = new BackendUnavailableError(
      "File backend: write failed: EACCES EACCES: permission denied, open '/etc/tta/other.json'",
      { errno: "EACCES", path: "/etc/tta/other.json" },
    );
    expect(redact(elsewhere)).toEqual({
      code: "BACKEND_UNAVAILABLE",
      message: "File backend: write failed: EACCES EACCES: permission denied, open '<path>'",
      details: { errno: "EACCES", path: "<path>" },
    });
    const sibling = new BackendUnavailableError(`Cannot open ${DATA}-old/x.json`, {
      path: `${DATA}-old/x.json`,
    });
    expect(redact(sibling)).toMatchObject({ message: "Cannot open <path>", details: { path: "<path>" } });
    const windows = new BackendUnavailableError("open 'C:\\Users\\ana\\.tta\\x.json' failed", {});
    expect(redact(windows).message).toBe("open '<path>' failed");
  });

  it("drops Redis key names and addresses", () => {
    const unavailable = new BackendUnavailableError(
      "Redis is unavailable (list on tta:{default}:groups:idx): Connection is closed: connect ECONNREFUSED 127.0.0.1:6999",
      { backend: "redis", operation: "list", place: "tta:{default}:groups:idx" },
    );
    expect(redact(unavailable)).toEqual({
      code: "BACKEND_UNAVAILABLE",
      message: "Redis is unavailable (list on <key>): Connection is closed: connect ECONNREFUSED <address>",
      details: { backend: "redis", operation: "list" },
    });
    const ipv6 = new BackendUnavailableError(
      "Redis is unavailable (ping on server): connect ECONNREFUSED ::1:6379",
      {
        backend: "redis",
        operation: "ping",
        place: "server",
      },
    );
    expect(redact(ipv6).message).toBe(
      "Redis is unavailable (ping on server): connect ECONNREFUSED <address>",
    );
    const dns = new BackendUnavailableError(
      "getaddrinfo ENOTFOUND redis.internal.example via redis://:pw@redis.internal.example:6379/0",
      {},
    );
    expect(redact(dns).message).toBe("getaddrinfo ENOTFOUND <address> via <url>");
    const corrupt = new BackendCorruptError(
      "Corrupt data in Redis at tta:{acme:s1}:messages:log#12: the value is not valid JSON",
      {
        place: "tta:{acme:s1}:messages:log#12",
      },
    );
    expect(redact(corrupt)).toEqual({
      code: "BACKEND_CORRUPT",
      message: "Corrupt data in Redis at <key>: the value is not valid JSON",
      details: {},
    });
  });

  it("drops Keyv key names, nested ones included", () => {
    const e = new BackendCorruptError("Corrupt data at tta:{default}:messages:e:7: log entry 7 is missing", {
      place: "tta:{default}:messages:e:7",
      issues: [{ path: "(root)", message: "missing entry below the log length" }],
    });
    expect(redact(e)).toEqual({
      code: "BACKEND_CORRUPT",
      message: "Corrupt data at <key>: log entry 7 is missing",
      details: { issues: [{ path: "(root)", message: "missing entry below the log length" }] },
    });
    const gateway = new BackendUnavailableError(
      "The Keyv store failed during set: connect ECONNREFUSED 10.0.0.5:5432",
      {
        backend: "keyv",
        op: "set",
      },
    );
    expect(redact(gateway).message).toBe("The Keyv store failed during set: connect ECONNREFUSED <address>");
  });

  it("leaves other errors as they are: their details are the client's own input", () => {
    const e = new SessionNotFoundError("auth-design-2025-10-01", "default");
    expect(redact(e)).toEqual(e.toJSON());
  });
});
