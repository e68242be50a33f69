import { assertCapabilities, hasErrorCode } from "@tta-dev/core";
import { expect, it } from "vitest";
import type { Harness } from "./harness.js";

/** A backend says what it can do, and refuses what it cannot: never silently weaker. */
export function capabilitySuite(h: Harness): void {
  it("declares a complete capability table", async () => {
    const { backend } = await h.setup();
    const c = backend.capabilities;
    expect(typeof backend.name).toBe("string");
    expect(typeof c.atomicCompareAndSet).toBe("boolean");
    expect(typeof c.crossProcess).toBe("boolean");
    expect(typeof c.nativeTtl).toBe("boolean");
    expect(["fsync", "os", "memory"]).toContain(c.durability);
    if (c.crossProcess)
      expect(
        h.options.childProcess ?? h.options.createPeer,
        "crossProcess needs a way to prove it",
      ).toBeDefined();
  });

  it("fails NOT_SUPPORTED for every capability it lacks", async () => {
    const { backend } = await h.setup();
    const c = backend.capabilities;
    for (const flag of ["atomicCompareAndSet", "crossProcess", "nativeTtl"] as const) {
      const ask = () => assertCapabilities(backend, { [flag]: true });
      if (c[flag]) expect(ask).not.toThrow();
      else {
        let err: unknown;
        try {
          ask();
        } catch (e) {
          err = e;
        }
        expect(hasErrorCode(err, "NOT_SUPPORTED")).toBe(true);
      }
    }
    if (c.durability !== "fsync") {
      expect(() => assertCapabilities(backend, { durability: "fsync" })).toThrow(/does not support/);
    }
  });

  it("answers ping and closes idempotently", async () => {
    const { backend } = await h.setup();
    await expect(backend.ping()).resolves.toBeUndefined();
    await backend.close();
    await backend.close();
  });
}
