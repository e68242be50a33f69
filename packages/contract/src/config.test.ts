import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigSchema, configJsonSchema } from "./index.js";

const GOOD = {
  backend: "redis",
  namespace: "team-a",
  namingPolicy: "warn",
  redis: { url: "redis://127.0.0.1:6379", commandTimeoutMs: 2000 },
  file: { durability: "fsync" },
  limits: { messageContentBytes: 2097152 },
  http: {
    host: "127.0.0.1",
    port: 8787,
    tokens: [{ name: "ci", sha256: "a".repeat(64), scopes: ["read"], namespaces: ["*"] }],
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
