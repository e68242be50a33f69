import { describe, expect, it } from "vitest";
import { keySlot } from "./slot.js";

describe("keySlot", () => {
  it("matches the slots Redis documents", () => {
    expect(keySlot("foo")).toBe(12182);
    expect(keySlot("somekey")).toBe(11058);
    expect(keySlot("123456789")).toBe(0x31c3 % 16384);
  });

  it("hashes only the first non-empty {tag}", () => {
    expect(keySlot("{user1000}.following")).toBe(keySlot("user1000"));
    expect(keySlot("tta:{acme:s1}:messages:log")).toBe(keySlot("tta:{acme:s1}:cache:idx"));
    expect(keySlot("foo{}{bar}")).toBe(keySlot("foo{}{bar}"));
    expect(keySlot("foo{}{bar}")).not.toBe(keySlot("bar"));
    expect(keySlot("foo{{bar}}zap")).toBe(keySlot("{bar"));
  });
});
