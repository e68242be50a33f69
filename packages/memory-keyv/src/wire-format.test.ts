import { describe, expect, it } from "vitest";
import { deserializeForKeyv, serializeForKeyv } from "./wire-format.js";

describe("wire format", () => {
  it("stores the backend's JSON text unchanged when there is no expiry", () => {
    const text = '{"v":1,"e":null,"d":"é \\" x"}';
    expect(serializeForKeyv({ value: text })).toBe(text);
    expect(deserializeForKeyv(text)).toEqual({ value: text, expires: undefined });
  });

  it("carries Keyv's expiry in a prefix and reads it back", () => {
    const stored = serializeForKeyv({ value: "[1]", expires: 1_700_000_000_000 }) as string;
    expect(stored).toBe("E1700000000000|[1]");
    expect(deserializeForKeyv(stored)).toEqual({ value: "[1]", expires: 1_700_000_000_000 });
  });

  it("passes malformed text on untouched for the codec to reject", () => {
    expect(deserializeForKeyv("Ex|{}")).toEqual({ value: "Ex|{}", expires: undefined });
    expect(deserializeForKeyv("E123")).toEqual({ value: "E123", expires: undefined });
  });
});
