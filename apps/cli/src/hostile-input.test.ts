import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { refusingFactories, runCli } from "../test/harness.js";

const unsafeId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map((s) => `../${s}`),
  fc
    .tuple(
      fc.string({ maxLength: 20 }),
      fc.constantFrom("/", "\\", "..", "\u0000", "\n", " "),
      fc.string({ maxLength: 20 }),
    )
    .map(([a, sep, b]) => `${a}${sep}${b}`),
  fc.string({ minLength: 129, maxLength: 300 }),
);

describe("hostile ids", () => {
  it("never reach a store: every unsafe session id fails NAME_INVALID or VALIDATION_FAILED with exit 2", async () => {
    await fc.assert(
      fc.asyncProperty(
        unsafeId,
        fc.constantFrom("session show", "message list", "cache list", "context"),
        async (id, cmd) => {
          const f = refusingFactories();
          const argv = [...cmd.split(" "), "--", id];
          if (cmd === "context") argv.splice(1, 0, "--stage", "plan");
          const r = await runCli(["--json", ...argv], f);
          expect(r.code).toBe(2);
          expect(["NAME_INVALID", "VALIDATION_FAILED"]).toContain(JSON.parse(r.stderr).error.code);
          expect(f.opened).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
