import { compareKeys, hasErrorCode, type ManualClock, type MemoryBackend, type Scope } from "@tta-dev/core";
import fc from "fast-check";
import { expect, it } from "vitest";
import type { Harness } from "./harness.js";

// TTLs are seconds long and the manual clock moves in big steps: a store with native TTL expires in real
// time too, and a run must end long before that.
type Op =
  | { t: "put"; key: string; value: number; ifVersion?: number; ttl?: number }
  | { t: "delete"; key: string; ifVersion?: number }
  | { t: "get"; keys: string[] }
  | { t: "list"; limit: number; prefix?: string; viaBatch?: boolean }
  | { t: "clear" }
  | { t: "advance"; ms: number }
  | { t: "append"; values: number[]; idem?: string }
  | { t: "read"; after: number; before?: number; limit: number; fromEnd: boolean; viaBatch?: boolean }
  | { t: "trim"; before: number };

const key = fc.oneof(
  fc.constantFrom("a", "b", "a:b", "ü", "..", "a b", "A", "~", "k%41"),
  fc.integer({ min: 0, max: 40 }).map((n) => `k${n}`),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        t: fc.constant("put" as const),
        key,
        value: fc.integer(),
        ifVersion: fc.integer({ min: 0, max: 3 }),
        ttl: fc.constantFrom(5_000, 10_000, 20_000, 60_000),
      },
      { requiredKeys: ["t", "key", "value"] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      { t: fc.constant("delete" as const), key, ifVersion: fc.integer({ min: 0, max: 3 }) },
      { requiredKeys: ["t", "key"] },
    ),
  },
  fc.record({ t: fc.constant("get" as const), keys: fc.array(key, { minLength: 1, maxLength: 3 }) }),
  fc.record(
    {
      t: fc.constant("list" as const),
      limit: fc.integer({ min: 1, max: 5 }),
      prefix: fc.constantFrom("a", "k1", "k", ""),
      viaBatch: fc.constant(true),
    },
    { requiredKeys: ["t", "limit"] },
  ),
  { weight: 1, arbitrary: fc.constant({ t: "clear" as const }) },
  fc.record({ t: fc.constant("advance" as const), ms: fc.constantFrom(0, 1, 4_999, 5_000, 10_000) }),
  fc.record(
    {
      t: fc.constant("append" as const),
      values: fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
      idem: fc.constantFrom("i1", "i2", "i3"),
    },
    { requiredKeys: ["t", "values"] },
  ),
  fc.record(
    {
      t: fc.constant("read" as const),
      after: fc.integer({ min: 0, max: 12 }),
      before: fc.integer({ min: 1, max: 14 }),
      limit: fc.integer({ min: 1, max: 5 }),
      fromEnd: fc.boolean(),
      viaBatch: fc.constant(true),
    },
    { requiredKeys: ["t", "after", "limit", "fromEnd"] },
  ),
  fc.record({ t: fc.constant("trim" as const), before: fc.integer({ min: 1, max: 14 }) }),
);

type StoredShape = { value: unknown; version: number };
const shape = (r: StoredShape | null) => (r ? [r.value, r.version] : null);

interface ModelRecord {
  value: number;
  version: number;
  exp: number | null;
}

async function check(b: MemoryBackend, clock: ManualClock, scope: Scope, ops: Op[]): Promise<void> {
  const recs = new Map<string, ModelRecord>();
  const log: { value: number; idem?: string }[] = [];
  // Entries with seq ≤ trimmed are gone (`trimLog`); `log` keeps them so that seq s is log[s - 1].
  let trimmed = 0;
  const live = (k: string) => {
    const r = recs.get(k);
    return r && (r.exp === null || r.exp > clock.now()) ? r : undefined;
  };
  for (const o of ops) {
    switch (o.t) {
      case "put": {
        const cur = live(o.key)?.version ?? 0;
        const got = await b
          .put(scope, o.key, o.value, { ifVersion: o.ifVersion, ttlMs: o.ttl })
          .catch((e) => e);
        if (o.ifVersion !== undefined && o.ifVersion !== cur) {
          expect(hasErrorCode(got, "VERSION_CONFLICT")).toBe(true);
        } else {
          recs.set(o.key, {
            value: o.value,
            version: cur + 1,
            exp: o.ttl === undefined ? null : clock.now() + o.ttl,
          });
          expect(got.version).toBe(cur + 1);
        }
        break;
      }
      case "delete": {
        const cur = live(o.key);
        const got = await b.delete(scope, o.key, { ifVersion: o.ifVersion }).catch((e) => e);
        if (o.ifVersion !== undefined && o.ifVersion !== (cur?.version ?? 0)) {
          expect(hasErrorCode(got, "VERSION_CONFLICT")).toBe(true);
        } else {
          expect(got).toBe(cur !== undefined);
          recs.delete(o.key);
        }
        break;
      }
      case "get": {
        // One key alone, all of them at once, and both again inside one batch.
        const want = o.keys.map((k) => {
          const r = live(k);
          return r ? [r.value, r.version] : null;
        });
        expect(shape(await b.get(scope, o.keys[0]!))).toEqual(want[0]);
        expect((await b.getMany(scope, o.keys)).map(shape)).toEqual(want);
        const [many, ...singles] = await b.batch([
          { op: "getMany", scope, keys: o.keys },
          ...o.keys.map((k) => ({ op: "get" as const, scope, key: k })),
        ]);
        expect((many as (StoredShape | null)[]).map(shape)).toEqual(want);
        expect(singles.map((r) => shape(r as StoredShape | null))).toEqual(want);
        break;
      }
      case "list": {
        const prefix = o.prefix ?? "";
        const want = [...recs.keys()].filter((k) => live(k) && k.startsWith(prefix)).sort(compareKeys);
        const seen: string[] = [];
        let cursor: string | undefined;
        for (;;) {
          const options = { limit: o.limit, prefix, ...(cursor ? { cursor } : {}) };
          const page = o.viaBatch
            ? ((await b.batch([{ op: "list", scope, options }]))[0] as Awaited<
                ReturnType<MemoryBackend["list"]>
              >)
            : await b.list(scope, options);
          seen.push(...page.items.map((i) => i.key));
          expect(page.items.every((i) => i.value === live(i.key)?.value)).toBe(true);
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        expect(seen).toEqual(want);
        break;
      }
      case "clear": {
        const want = [...recs.keys()].filter((k) => live(k)).length;
        expect(await b.clear(scope)).toBe(want);
        recs.clear();
        break;
      }
      case "advance":
        clock.advance(o.ms);
        break;
      case "append": {
        const got = await b.append(
          scope,
          o.values.map((v) => ({ value: v, ...(o.idem ? { idempotencyKey: o.idem } : {}) })),
        );
        const prior = o.idem === undefined ? -1 : log.findIndex((e, i) => i >= trimmed && e.idem === o.idem);
        if (prior >= 0) {
          expect(got.every((g) => g.duplicate && g.seq === prior + 1)).toBe(true);
        } else {
          log.push({ value: o.values[0]!, ...(o.idem ? { idem: o.idem } : {}) });
          for (const v of o.values.slice(1)) if (o.idem === undefined) log.push({ value: v });
          expect(got[0]?.seq).toBe(log.length - (o.idem === undefined ? o.values.length - 1 : 0));
        }
        break;
      }
      case "read": {
        const seqs = log
          .map((_, i) => i + 1)
          .filter((s) => s > Math.max(o.after, trimmed) && (o.before === undefined || s < o.before));
        const want = o.fromEnd ? seqs.slice(-o.limit) : seqs.slice(0, o.limit);
        const options = {
          afterSeq: o.after,
          ...(o.before === undefined ? {} : { beforeSeq: o.before }),
          limit: o.limit,
          fromEnd: o.fromEnd,
        };
        let got: { seq: number; value: unknown }[];
        if (o.viaBatch) {
          // The range and the length in one batch, as a context load reads them.
          const [entries, length] = await b.batch([
            { op: "readLog", scope, options },
            { op: "logLength", scope },
          ]);
          got = entries as { seq: number; value: unknown }[];
          expect(length).toBe(log.length);
        } else {
          got = await b.readLog(scope, options);
        }
        expect(got.map((e) => e.seq)).toEqual(want);
        expect(got.map((e) => e.value)).toEqual(want.map((s) => log[s - 1]!.value));
        break;
      }
      case "trim": {
        if (typeof b.trimLog !== "function") break;
        const to = Math.max(trimmed, Math.min(o.before - 1, log.length));
        expect(await b.trimLog(scope, o.before)).toBe(to - trimmed);
        trimmed = to;
        break;
      }
    }
  }
  expect(await b.logLength(scope)).toBe(log.length);
  // Whatever happened, clearing and deleting the log leave the scope empty.
  await b.clear(scope);
  await b.deleteLog(scope);
  expect((await b.list(scope)).items).toEqual([]);
}

/**
 * Random operation sequences (puts with `ifVersion` and TTL, deletes, gets and getMany, paged and
 * prefixed lists, clears, clock moves, idempotent appends, range reads with both bounds, trims of the
 * log's front where the backend has `trimLog`; reads alone and through `batch`) against a trivial Map-and-array model. Each
 * run uses its own partition; at the end nothing of the namespace is left in the raw store.
 */
export function modelSuite(h: Harness): void {
  it.runIf(h.options.manualClock !== false)(
    "agrees with a Map-and-array model on random operation sequences",
    async () => {
      let run = 0;
      const { backend, namespace, clock } = await h.setup();
      await fc.assert(
        fc.asyncProperty(fc.array(op, { maxLength: 80 }), (ops) =>
          check(backend, clock, { namespace, collection: "things", partition: `run${run++}` }, ops),
        ),
        { numRuns: h.options.modelRuns ?? 100 },
      );
      if (h.options.rawKeys) expect(await h.options.rawKeys(backend, namespace)).toEqual([]);
    },
    180_000,
  );
}
