import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigSchema, configJsonSchema, DEFAULT_HTTP_PORT, HTTP_DEFAULTS } from "./index.js";

const GOOD = {
  backend: "redis",
  namespace: "team-a",
  namingPolicy: "warn",
  redis: { url: "redis://127.0.0.1:6379", commandTimeoutMs: 2000 },
  file: { durability: "fsync" },
  limits: { messageContentBytes: 2097152 },
  http: {
    host: "127.0.0.1",
    port: 9411,
    tokens: [{ name: "ci", sha256: "a".repeat(64), scopes: ["read"], namespaces: ["*"] }],
    allowedHosts: ["tta.internal", "10.0.0.7", "[fd00::7]", "my_service"],
    allowCommands: true,
    headersTimeoutMs: 5000,
    requestTimeoutMs: 20000,
    idleTimeoutMs: 2000,
    maxConnections: 64,
  },
};

describe("ConfigSchema", () => {
  it("accepts a full configuration and an empty one", () => {
    expect(ConfigSchema.parse(GOOD)).toEqual(GOOD);
    expect(ConfigSchema.parse({})).toEqual({});
  });

  it("refuses unknown keys, unknown backends and non-positive limits, naming the key", () => {
    const typo = ConfigSchema.safeParse({ backnd: "file" });
    expect(typo.success).toBe(false);
    expect(JSON.stringify(typo.error?.issues)).toContain("backnd");
    const bad = ConfigSchema.safeParse({ backend: "sqlite", limits: { tagsPerItem: 0 } });
    expect(bad.error?.issues.map((i) => i.path.join("."))).toEqual(["backend", "limits.tagsPerItem"]);
    expect(
      ConfigSchema.safeParse({ http: { tokens: [{ name: "x", sha256: "nothex", scopes: [] }] } }).success,
    ).toBe(false);
  });
});

describe("HTTP keys", () => {
  it("refuses allowed hosts with a port, a scheme or a path, and non-positive timeouts and caps", () => {
    for (const host of ["tta.internal:7411", "http://tta.internal", "a/b", "", "*", "::1", "-x.example"]) {
      expect(ConfigSchema.safeParse({ http: { allowedHosts: [host] } }).success, host).toBe(false);
    }
    for (const key of ["headersTimeoutMs", "requestTimeoutMs", "idleTimeoutMs", "maxConnections"]) {
      const r = ConfigSchema.safeParse({ http: { [key]: 0 } });
      expect(
        r.error?.issues.map((i) => i.path.join(".")),
        key,
      ).toEqual([`http.${key}`]);
    }
    expect(ConfigSchema.safeParse({ http: { allowCommands: "yes" } }).success).toBe(false);
  });

  it("declares defaults a server can use as they are", () => {
    expect(DEFAULT_HTTP_PORT).toBe(7411);
    expect(HTTP_DEFAULTS.headersTimeoutMs).toBeLessThanOrEqual(HTTP_DEFAULTS.requestTimeoutMs);
    expect(HTTP_DEFAULTS.allowCommands).toBe(false);
    const { allowCommands: _, ...numbers } = HTTP_DEFAULTS;
    expect(ConfigSchema.safeParse({ http: { ...numbers, port: DEFAULT_HTTP_PORT } }).success).toBe(true);
  });
});

describe("configJsonSchema", () => {
  const schema = configJsonSchema();

  it("is a draft 2020-12 schema that forbids unknown keys", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties as object)).toEqual(Object.keys(ConfigSchema.shape));
  });

  it("validates the same documents as ConfigSchema once read back", () => {
    const back = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
    expect(back.safeParse(GOOD).success).toBe(true);
    expect(back.safeParse({ backnd: "file" }).success).toBe(false);
    expect(back.safeParse({ backend: "sqlite" }).success).toBe(false);
    expect(back.safeParse({ limits: { batchAppend: 0 } }).success).toBe(false);
  });
});
