import { describe, expect, it } from "vitest";
import { checkInputLimits, parseInput } from "./index.js";

describe("parseInput", () => {
  it("accepts a valid input and applies defaults", () => {
    const input = parseInput("session.create", { id: "auth-design-2025-10-01", tags: ["a"] });
    expect(input).toEqual({ id: "auth-design-2025-10-01", tags: ["a"] });
  });

  it("refuses a path-like session id with NAME_INVALID under every policy", () => {
    expect(() => parseInput("session.get", { id: "../etc" })).toThrow(
      expect.objectContaining({ code: "NAME_INVALID" }),
    );
    expect(() => parseInput("session.create", { id: "../x" }, { namingPolicy: "off" })).toThrow(
      expect.objectContaining({ code: "NAME_INVALID" }),
    );
    expect(() => parseInput("message.append", { sessionId: "a/b", content: "x" })).toThrow(
      expect.objectContaining({ code: "NAME_INVALID" }),
    );
  });

  it("applies the naming policy to new session ids only", () => {
    expect(() => parseInput("session.create", { id: "MySession" })).toThrow(
      expect.objectContaining({ code: "NAME_INVALID" }),
    );
    expect(parseInput("session.create", { id: "MySession" }, { namingPolicy: "warn" }).id).toBe("MySession");
    expect(parseInput("session.get", { id: "MySession" }).id).toBe("MySession");
  });

  it("refuses metadata and cache values nested 3 000+ levels with VALIDATION_FAILED, not a stack overflow", () => {
    const deep = (n: number) => JSON.parse(`${'{"a":'.repeat(n)}1${"}".repeat(n)}`) as unknown;
    const session = "auth-design-2025-10-01";
    for (const n of [65, 3000, 50_000]) {
      expect(() => parseInput("session.create", { id: session, metadata: deep(n) })).toThrow(
        expect.objectContaining({ code: "VALIDATION_FAILED" }),
      );
      expect(() => parseInput("cache.set", { sessionId: session, key: "k", value: deep(n) })).toThrow(
        expect.objectContaining({ code: "VALIDATION_FAILED" }),
      );
      expect(() => parseInput("group.updateMetadata", { groupId: "g", patch: deep(n) })).toThrow(
        expect.objectContaining({ code: "VALIDATION_FAILED" }),
      );
    }
    expect(parseInput("cache.set", { sessionId: session, key: "k", value: deep(60) }).key).toBe("k");
  });

  it("refuses bad group names and memory ids with NAME_INVALID", () => {
    expect(() => parseInput("group.create", { name: "Feature Auth" })).toThrow(
      expect.objectContaining({ code: "NAME_INVALID" }),
    );
    expect(() => parseInput("memory.get", { id: "mem_bad" })).toThrow(
      expect.objectContaining({ code: "NAME_INVALID" }),
    );
    expect(parseInput("group.get", { groupId: "Legacy_Group.1" }).groupId).toBe("Legacy_Group.1");
  });

  it("refuses wrong types and unknown enum values with VALIDATION_FAILED naming the path", () => {
    try {
      parseInput("session.list", { status: "done", limit: 0 });
      expect.unreachable();
    } catch (error) {
      const e = error as { code: string; message: string };
      expect(e.code).toBe("VALIDATION_FAILED");
      expect(e.message).toContain("status");
      expect(e.message).toContain("limit");
    }
  });

  it("refuses prototype-reaching keys in metadata and cache values", () => {
    const meta = JSON.parse('{"__proto__": {"x": 1}}');
    expect(() => parseInput("session.create", { id: "a-b-2025-01-01", metadata: meta })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() => parseInput("cache.set", { sessionId: "a-b-2025-01-01", key: "k", value: meta })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() =>
      parseInput("cache.set", { sessionId: "a-b-2025-01-01", key: "constructor", value: 1 }),
    ).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
  });

  it("needs either content or messages for message.append, not both", () => {
    const sessionId = "a-b-2025-01-01";
    expect(() => parseInput("message.append", { sessionId })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED" }),
    );
    expect(() =>
      parseInput("message.append", { sessionId, content: "x", messages: [{ content: "y" }] }),
    ).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    const batch = parseInput("message.append", { sessionId, messages: [{ content: "y" }] });
    expect(batch.messages?.[0]?.role).toBe("user");
  });

  it("accepts stages and modes case-insensitively", () => {
    const input = parseInput("context.load", { sessionId: "a-b-2025-01-01", stage: "PLAN", mode: "Rapid" });
    expect(input.stage).toBe("plan");
    expect(input.mode).toBe("rapid");
  });
});

describe("checkInputLimits", () => {
  it("fails LIMIT_EXCEEDED when a message is over the configured size", () => {
    const input = { sessionId: "a-b-2025-01-01", content: "x".repeat(2 * 1024 * 1024) };
    expect(() => checkInputLimits("message.append", input)).toThrow(
      expect.objectContaining({ code: "LIMIT_EXCEEDED" }),
    );
    expect(() => checkInputLimits("message.append", input, { messageContentBytes: 4 << 20 })).not.toThrow();
  });

  it("checks every item of a batch and the batch size", () => {
    const messages = [{ content: "ok" }, { content: "é".repeat(20) }];
    expect(() => checkInputLimits("message.append", { messages }, { messageContentBytes: 30 })).toThrow(
      expect.objectContaining({ code: "LIMIT_EXCEEDED" }),
    );
    expect(() => checkInputLimits("message.append", { messages }, { batchAppend: 1 })).toThrow(
      expect.objectContaining({ code: "LIMIT_EXCEEDED" }),
    );
  });

  it("checks tag counts, metadata keys and JSON sizes", () => {
    const tags = Array.from({ length: 33 }, (_, i) => `t${i}`);
    expect(() => checkInputLimits("session.create", { id: "x", tags })).toThrow(
      expect.objectContaining({ code: "LIMIT_EXCEEDED" }),
    );
    const metadata = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i]));
    expect(() => checkInputLimits("group.create", { name: "g", metadata })).toThrow(
      expect.objectContaining({ code: "LIMIT_EXCEEDED" }),
    );
    const value = { big: "x".repeat(1024 * 1024) };
    expect(() => checkInputLimits("cache.set", { value })).toThrow(
      expect.objectContaining({ code: "LIMIT_EXCEEDED" }),
    );
  });
});
