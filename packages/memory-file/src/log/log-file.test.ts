import { readAll } from "@tta-dev/testkit";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { useTempDirs } from "../../test/temp-dirs.js";
import { createFileBackend } from "../file-backend.js";

const tempDir = useTempDirs();

const scope = { namespace: "default", collection: "messages", partition: "model-2026-01-01" };

describe("log files", () => {
  it("answers every range (afterSeq, beforeSeq, limit, fromEnd) like an array model, for lines of very different sizes", async () => {
    const root = tempDir("tta-log-model-");
    const backend = createFileBackend({ root });
    const model: unknown[] = [];
    // Sizes from a few bytes to 200 KiB, so searches and backward reads cross chunk boundaries.
    for (let i = 0; i < 3000; i += 100) {
      const batch = Array.from({ length: 100 }, (_, j) => {
        const n = i + j;
        const len = n % 997 === 0 ? 200_000 : n % 13 === 0 ? 5_000 : (n * 7919) % 300;
        return { value: { n, pad: "é".repeat(len) } };
      });
      await backend.append(scope, batch);
      model.push(...batch.map((b) => b.value));
    }
    await fc.assert(
      fc.asyncProperty(
        fc.nat(3100),
        fc.integer({ min: 1, max: 3200 }),
        fc.integer({ min: 1, max: 400 }),
        fc.boolean(),
        async (afterSeq, beforeSeq, limit, fromEnd) => {
          const got = await backend.readLog(scope, { afterSeq, beforeSeq, limit, fromEnd });
          const range = model
            .map((value, i) => ({ seq: i + 1, value }))
            .filter((e) => e.seq > afterSeq && e.seq < beforeSeq);
          const want = fromEnd ? range.slice(Math.max(0, range.length - limit)) : range.slice(0, limit);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 150 },
    );
    expect(await backend.logLength(scope)).toBe(3000);
    await backend.close();
  }, 60_000);

  it("finds idempotency keys written by another instance without rescanning the log", async () => {
    const root = tempDir("tta-log-keys-");
    const a = createFileBackend({ root });
    const b = createFileBackend({ root });
    await a.append(scope, [{ value: 1, idempotencyKey: "one" }]);
    expect(
      await b.append(scope, [
        { value: 9, idempotencyKey: "one" },
        { value: 2, idempotencyKey: "two" },
      ]),
    ).toEqual([
      { seq: 1, value: 1, idempotencyKey: "one", duplicate: true },
      { seq: 2, value: 2, idempotencyKey: "two", duplicate: false },
    ]);
    await a.append(scope, [{ value: 3 }]);
    expect(await a.append(scope, [{ value: 0, idempotencyKey: "two" }])).toEqual([
      { seq: 2, value: 2, idempotencyKey: "two", duplicate: true },
    ]);
    await b.deleteLog(scope);
    expect(await a.append(scope, [{ value: 5, idempotencyKey: "two" }])).toEqual([
      { seq: 1, value: 5, idempotencyKey: "two", duplicate: false },
    ]);
    expect((await readAll(b, scope)).map((e) => e.value)).toEqual([5]);
    await a.close();
    await b.close();
  });
});

describe("idempotency keys read back from disk", () => {
  it("recognises keys with quotes, backslashes, tabs and non-ASCII characters", async () => {
    const root = tempDir("tta-log-keys-odd-");
    const keys = ["plain", 'q"uote', "back\\slash", "tab\there", "é✓🎉", '}\t{"s":1}'];
    const a = createFileBackend({ root });
    await a.append(
      scope,
      keys.map((k, i) => ({ value: i, idempotencyKey: k })),
    );
    await a.close();
    const b = createFileBackend({ root });
    const again = await b.append(
      scope,
      keys.map((k) => ({ value: "dup", idempotencyKey: k })),
    );
    expect(again.map((e) => [e.seq, e.value, e.duplicate])).toEqual(keys.map((_, i) => [i + 1, i, true]));
    await b.close();
  });
});
