import type { LogEntry, MemoryBackend, Scope } from "@tta-dev/core";
import { expect, it } from "vitest";
import { expectCode } from "../expect-code.js";
import { logScope, readAll } from "../util.js";
import type { Harness, Setup } from "./harness.js";
import { modelRead, RANGE_READS } from "./range-reads.js";

type Trimming = MemoryBackend & Required<Pick<MemoryBackend, "trimLog">>;

const seqs = (entries: readonly LogEntry[]) => entries.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A log of `n` entries whose value is their seq; every tenth carries the idempotency key `k<seq>`. */
async function fill(backend: MemoryBackend, s: Scope, n: number): Promise<void> {
  await backend.append(
    s,
    range(1, n).map((i) => ({ value: i, ...(i % 10 === 0 ? { idempotencyKey: `k${i}` } : {}) })),
  );
}

/**
 * `trimLog`: the front of a log goes, the seq counter stays. Every case runs on a backend that has it;
 * on one that lacks it each says so and is skipped (all of tta's backends have it).
 */
export function logTrimSuite(h: Harness): void {
  function trimTest(name: string, body: (setup: Setup & { backend: Trimming }) => Promise<void>): void {
    it(`trimLog: ${name}`, async (ctx) => {
      const setup = await h.setup();
      if (typeof setup.backend.trimLog !== "function") {
        ctx.skip(`the ${setup.backend.name} backend has no trimLog`);
        return;
      }
      await body(setup as Setup & { backend: Trimming });
    });
  }

  trimTest(
    "removes the entries before the trim point; every range read then matches a model",
    async ({ backend, namespace }) => {
      const s = logScope(namespace);
      await fill(backend, s, 50);
      expect(await backend.trimLog(s, 21)).toBe(20);
      expect(await backend.logLength(s)).toBe(50);
      const kept = range(21, 50);
      const reads = [
        ...RANGE_READS.map(([opts]) => opts),
        { afterSeq: 5 },
        { afterSeq: 5, limit: 3 },
        { afterSeq: 20, limit: 2 },
        { beforeSeq: 21 },
        { beforeSeq: 22 },
        { beforeSeq: 25, fromEnd: true, limit: 10 },
        { afterSeq: 3, beforeSeq: 30, fromEnd: true, limit: 100 },
        { fromEnd: true, limit: 1 },
      ];
      for (const opts of reads) {
        const got = await backend.readLog(s, opts);
        const want = modelRead(kept, opts);
        expect(seqs(got), JSON.stringify(opts)).toEqual(want);
        expect(got.map((e) => e.value)).toEqual(want);
      }
      expect(seqs(await readAll(backend, s))).toEqual(kept);
      const [next] = await backend.append(s, [{ value: "next" }]);
      expect(next).toEqual({ seq: 51, value: "next", duplicate: false });
      expect(await backend.logLength(s)).toBe(51);
    },
  );

  trimTest(
    "forgets the idempotency keys of removed entries and keeps those of kept ones",
    async ({ backend, namespace }) => {
      const s = logScope(namespace);
      await fill(backend, s, 30);
      expect(await backend.trimLog(s, 15)).toBe(14);
      const got = await backend.append(s, [
        { value: "again 10", idempotencyKey: "k10" },
        { value: "again 20", idempotencyKey: "k20" },
      ]);
      expect(got).toEqual([
        { seq: 31, value: "again 10", idempotencyKey: "k10", duplicate: false },
        { seq: 20, value: 20, idempotencyKey: "k20", duplicate: true },
      ]);
      const [once] = await backend.append(s, [{ value: "third 10", idempotencyKey: "k10" }]);
      expect(once).toEqual({ seq: 31, value: "again 10", idempotencyKey: "k10", duplicate: true });
      expect(await backend.logLength(s)).toBe(31);
    },
  );

  trimTest(
    "returns 0 when nothing goes: again at the same point, below it, on a missing log",
    async ({ backend, namespace }) => {
      const s = logScope(namespace);
      expect(await backend.trimLog(s, 5)).toBe(0);
      expect(await backend.logLength(s)).toBe(0);
      expect(await backend.readLog(s)).toEqual([]);
      await fill(backend, s, 20);
      expect(await backend.trimLog(s, 1)).toBe(0);
      expect(await backend.trimLog(s, 11)).toBe(10);
      expect(await backend.trimLog(s, 11)).toBe(0);
      expect(await backend.trimLog(s, 4)).toBe(0);
      expect(await backend.trimLog(s, 13)).toBe(2);
      expect(seqs(await backend.readLog(s))).toEqual(range(13, 20));
      expect(await backend.logLength(s)).toBe(20);
    },
  );

  trimTest(
    "past the end trims to length + 1: the log is empty, its counter stays, appends continue",
    async ({ backend, namespace }) => {
      const s = logScope(namespace);
      await fill(backend, s, 12);
      expect(await backend.trimLog(s, 1_000_000)).toBe(12);
      expect(await backend.logLength(s)).toBe(12);
      expect(await backend.readLog(s)).toEqual([]);
      expect(await backend.readLog(s, { fromEnd: true, limit: 5 })).toEqual([]);
      expect(await backend.trimLog(s, Number.MAX_SAFE_INTEGER)).toBe(0);
      const [again] = await backend.append(s, [{ value: "x", idempotencyKey: "k10" }]);
      expect(again).toEqual({ seq: 13, value: "x", idempotencyKey: "k10", duplicate: false });
      expect(await backend.trimLog(s, 14)).toBe(1);
      expect(await backend.logLength(s)).toBe(13);
      expect(seqs(await backend.append(s, [{ value: "y" }, { value: "z" }]))).toEqual([14, 15]);
      expect(seqs(await backend.readLog(s))).toEqual([14, 15]);
    },
  );

  trimTest(
    "deleteLog after a trim removes everything: seqs and keys start again",
    async ({ backend, namespace }) => {
      const s = logScope(namespace);
      await fill(backend, s, 20);
      await backend.trimLog(s, 5);
      expect(await backend.deleteLog(s)).toBe(true);
      expect(await backend.logLength(s)).toBe(0);
      expect(await backend.readLog(s)).toEqual([]);
      const [first] = await backend.append(s, [{ value: "new", idempotencyKey: "k20" }]);
      expect(first).toEqual({ seq: 1, value: "new", idempotencyKey: "k20", duplicate: false });
      // A log trimmed to empty still exists until deleteLog.
      await backend.trimLog(s, 2);
      expect(await backend.logLength(s)).toBe(1);
      expect(await backend.deleteLog(s)).toBe(true);
      expect(await backend.logLength(s)).toBe(0);
      expect(await backend.deleteLog(s)).toBe(false);
      if (h.options.rawKeys) expect(await h.options.rawKeys(backend, namespace)).toEqual([]);
    },
  );

  trimTest("batch readLog and logLength see the trim", async ({ backend, namespace }) => {
    const s = logScope(namespace);
    await fill(backend, s, 50);
    await backend.trimLog(s, 31);
    const [all, last, early, length] = await backend.batch([
      { op: "readLog", scope: s },
      { op: "readLog", scope: s, options: { fromEnd: true, limit: 3 } },
      { op: "readLog", scope: s, options: { afterSeq: 2, limit: 4 } },
      { op: "logLength", scope: s },
    ]);
    expect(seqs(all as LogEntry[])).toEqual(range(31, 50));
    expect(seqs(last as LogEntry[])).toEqual([48, 49, 50]);
    expect(seqs(early as LogEntry[])).toEqual([31, 32, 33, 34]);
    expect(length).toBe(50);
  });

  trimTest(
    "refuses a beforeSeq that is not an integer from 1 and removes nothing",
    async ({ backend, namespace }) => {
      const s = logScope(namespace);
      await fill(backend, s, 5);
      for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "3" as unknown as number]) {
        const e = (await expectCode(backend.trimLog(s, bad), "VALIDATION_FAILED")) as unknown as {
          message: string;
        };
        expect(e.message, String(bad)).toBe("beforeSeq: must be a positive integer");
      }
      expect(seqs(await backend.readLog(s))).toEqual(range(1, 5));
    },
  );

  trimTest(
    "loses no append that runs concurrently with a trim; seqs stay gapless after the trim point",
    async ({ backend, namespace }) => {
      const s = logScope(namespace);
      await fill(backend, s, 20);
      const writers = Math.max(2, Math.round(12 * (h.options.concurrencyScale ?? 1)));
      const appends = Array.from({ length: writers }, (_, w) =>
        backend.append(
          s,
          range(1, (w % 3) + 1).map((i) => ({ value: { w, i }, idempotencyKey: `w${w}-${i}` })),
        ),
      );
      // The trim point lies past the 20 entries there before: how much goes depends on which appends it
      // follows, but it never removes more than seqs 1–24 nor anything an append got after it.
      const [removed, ...results] = await Promise.all([backend.trimLog(s, 25), ...appends]);
      expect(removed).toBeGreaterThanOrEqual(20);
      expect(removed).toBeLessThanOrEqual(24);
      const total = 20 + results.reduce((n, r) => n + r.length, 0);
      expect(await backend.logLength(s)).toBe(total);
      const all = await readAll(backend, s);
      expect(seqs(all)).toEqual(range(removed + 1, total));
      const bySeq = new Map(all.map((e) => [e.seq, e.value]));
      for (const r of results) {
        for (const e of r) if (e.seq > removed) expect(bySeq.get(e.seq)).toEqual(e.value);
      }
      // And a second trim with appends racing it, at a point every append lies after.
      const more = Array.from({ length: writers }, (_, w) => backend.append(s, [{ value: w }]));
      const [second, ...late] = await Promise.all([backend.trimLog(s, total + 1), ...more]);
      expect(second).toBe(total - removed);
      const after = seqs(await readAll(backend, s));
      expect(after).toEqual(range(total + 1, total + writers));
      expect(late.map((r) => r[0]!.seq).sort((a, b) => a - b)).toEqual(after);
    },
  );

  if (!h.options.createPeer) return;
  trimTest("a second backend object over the same store sees the trim", async (setup) => {
    const { backend, namespace } = setup;
    const peer = await h.peer(setup);
    const s = logScope(namespace);
    await fill(backend, s, 40);
    // The peer reads first, so that whatever it caches is from before the trim.
    expect(seqs(await peer.readLog(s, { fromEnd: true, limit: 5 }))).toEqual(range(36, 40));
    expect((await peer.append(s, [{ value: "dup", idempotencyKey: "k10" }]))[0]).toMatchObject({
      seq: 10,
      duplicate: true,
    });
    expect(await backend.trimLog(s, 21)).toBe(20);
    expect(seqs(await readAll(peer, s))).toEqual(range(21, 40));
    expect(await peer.logLength(s)).toBe(40);
    const got = await peer.append(s, [
      { value: "k10 anew", idempotencyKey: "k10" },
      { value: "k30 kept", idempotencyKey: "k30" },
    ]);
    expect(got.map((e) => [e.seq, e.duplicate])).toEqual([
      [41, false],
      [30, true],
    ]);
    expect(seqs(await backend.readLog(s, { afterSeq: 39 }))).toEqual([40, 41]);
    expect(await backend.trimLog(s, 41)).toBe(20);
    expect(seqs(await peer.readLog(s))).toEqual([41]);
  });
}
