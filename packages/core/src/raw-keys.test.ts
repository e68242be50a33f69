import { describe, expect, it } from "vitest";
import { keyFor } from "./keys.js";
import { isKeyOfNamespace } from "./raw-keys.js";

describe("isKeyOfNamespace", () => {
  it("keeps the keys of the namespace, with and without a partition", () => {
    expect(isKeyOfNamespace(keyFor({ namespace: "acme", collection: "notes" }, "r", "a"), "acme")).toBe(true);
    expect(
      isKeyOfNamespace(keyFor({ namespace: "acme", collection: "m", partition: "s1" }, "log"), "acme"),
    ).toBe(true);
  });

  it("never takes a namespace that only starts with the same letters, or another root", () => {
    expect(isKeyOfNamespace(keyFor({ namespace: "acme-corp", collection: "notes" }, "r", "a"), "acme")).toBe(
      false,
    );
    expect(isKeyOfNamespace(keyFor({ namespace: "acme:x", collection: "notes" }, "r", "a"), "acme")).toBe(
      false,
    );
    expect(isKeyOfNamespace("other:{acme}:notes:r:a", "acme")).toBe(false);
    expect(isKeyOfNamespace("other:{acme}:notes:r:a", "acme", "other")).toBe(true);
  });

  it("escapes the namespace the way keys are built", () => {
    expect(isKeyOfNamespace(keyFor({ namespace: "a.b", collection: "notes" }, "r", "a"), "a.b")).toBe(true);
  });
});
