import { expect, it } from "vitest";
import { expectCode } from "../expect-code.js";
import { logScope, readAll } from "../util.js";
import type { Harness } from "./harness.js";
import { logTrimSuite } from "./log-trim.js";
import { RANGE_READS } from "./range-reads.js";

/**
 * Append-only logs: gapless seqs, contiguous all-or-nothing batches, idempotency, range reads, and
 * trimming the front of a log (see {@link logTrimSuite}).
 */
export function logSuite(h: Harness): void {
  it("assigns seqs 1, 2, 3… and gives a batch consecutive seqs", async () => {
    const { backend, namespace } = await h.setup();
    const s = logScope(namespace);
    expect(await backend.logLength(s)).toBe(0);
    expect(await backend.readLog(s)).toEqual([]);
    const [one] = await backend.append(s, [{ value: "a" }]);
    expect(one).toEqual({ seq: 1, value: "a", duplicate: false });
    const batch = await backend.append(s, [{ value: "b" }, { value: { c: 1 } }, { value: null }]);
    expect(batch.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(await backend.logLength(s)).toBe(4);
    expect((await backend.readLog(s)).map((e) => [e.seq, e.value])).toEqual([
      [1, "a"],
      [2, "b"],
      [3, { c: 1 }],
      [4, null],
    ]);
  });

  it("reads ranges: after, before, first N, last N — ascending, matching a model", async () => {
    const { backend, namespace } = await h.setup();
    const s = logScope(namespace);
    await backend.append(
      s,
      Array.from({ length: 50 }, (_, i) => ({ value: i + 1 })),
    );
    for (const [opts, want] of RANGE_READS) {
      const got = await backend.readLog(s, opts);
      expect(
        got.map((e) => e.seq),
        JSON.stringify(opts),
      ).toEqual(want);
      expect(got.map((e) => e.value)).toEqual(want);
    }
    await expectCode(backend.readLog(s, { limit: 0 }), "VALIDATION_FAILED");
    await expectCode(backend.readLog(s, { afterSeq: -1 }), "VALIDATION_FAILED");
  });

  it("returns the original entry for a repeated idempotency key, also within one batch", async () => {
    const { backend, namespace } = await h.setup();
    const s = logScope(namespace);
    const [first] = await backend.append(s, [{ value: "orig", idempotencyKey: "k1" }]);
    expect(first).toEqual({ seq: 1, value: "orig", idempotencyKey: "k1", duplicate: false });
    const again = await backend.append(s, [
      { value: "changed", idempotencyKey: "k1" },
      { value: "new", idempotencyKey: "k2" },
      { value: "new-again", idempotencyKey: "k2" },
      { value: "plain" },
    ]);
    expect(again).toEqual([
      { seq: 1, value: "orig", idempotencyKey: "k1", duplicate: true },
      { seq: 2, value: "new", idempotencyKey: "k2", duplicate: false },
      { seq: 2, value: "new", idempotencyKey: "k2", duplicate: true },
      { seq: 3, value: "plain", duplicate: false },
    ]);
    expect(await backend.logLength(s)).toBe(3);
    expect((await backend.readLog(s))[1]).toEqual({ seq: 2, value: "new", idempotencyKey: "k2" });
    // Keys are per log.
    const [other] = await backend.append(logScope(namespace, "log-b"), [
      { value: "x", idempotencyKey: "k1" },
    ]);
    expect(other).toMatchObject({ seq: 1, duplicate: false });
  });

  it("rejects a batch with one bad item as a whole", async () => {
    const { backend, namespace } = await h.setup();
    const s = logScope(namespace);
    await backend.append(s, [{ value: 1 }]);
    await expectCode(
      backend.append(s, [{ value: 2 }, { value: Number.POSITIVE_INFINITY }]),
      "VALIDATION_FAILED",
    );
    await expectCode(
      backend.append(s, [{ value: 2 }, { value: 3, idempotencyKey: "" }]),
      "VALIDATION_FAILED",
    );
    await expectCode(backend.append(s, []), "VALIDATION_FAILED");
    expect(await backend.logLength(s)).toBe(1);
    expect((await backend.append(s, [{ value: 2 }]))[0]?.seq).toBe(2);
  });

  it("gives concurrent appenders unique, gapless seqs with contiguous batches", async () => {
    const { backend, namespace } = await h.setup();
    const s = logScope(namespace);
    const writers = Math.max(2, Math.round(16 * (h.options.concurrencyScale ?? 1)));
    const results = await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        backend.append(
          s,
          Array.from({ length: (w % 4) + 1 }, (_, i) => ({ value: { w, i } })),
        ),
      ),
    );
    for (const r of results) {
      const seqs = r.map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    }
    const all = await readAll(backend, s);
    const total = results.reduce((n, r) => n + r.length, 0);
    expect(all.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it("deleteLog forgets entries, counter and keys; a missing log reads empty", async () => {
    const { backend, namespace } = await h.setup();
    const s = logScope(namespace);
    expect(await backend.deleteLog(s)).toBe(false);
    await backend.append(s, [{ value: 1, idempotencyKey: "a" }, { value: 2 }]);
    expect(await backend.deleteLog(s)).toBe(true);
    expect(await backend.readLog(s)).toEqual([]);
    expect(await backend.logLength(s)).toBe(0);
    const [e] = await backend.append(s, [{ value: 3, idempotencyKey: "a" }]);
    expect(e).toMatchObject({ seq: 1, value: 3, duplicate: false });
  });

  logTrimSuite(h);
}
