import { compareKeys, createManualClock, hasErrorCode, type Scope } from "@tta-dev/core";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBackend } from "../src/index.js";
import { type RedisServerHandle, startRedisServer } from "../src/testing/index.js";
import { uniqueNamespace } from "./helpers.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();
const server: RedisServerHandle | null = enabled ? await startRedisServer() : null;
afterAll(async () => {
  await server?.stop();
});

type Op =
  | { t: "put"; key: string; value: number; ifVersion?: number; ttl?: number }
  | { t: "delete"; key: string; ifVersion?: number }
  | { t: "get"; keys: string[] }
  | { t: "list"; limit: number; prefix?: string }
  | { t: "advance"; ms: number }
  | { t: "clear" }
  | { t: "append"; values: number[]; idem?: string }
  | { t: "read"; after: number; before?: number; limit: number; fromEnd: boolean };

const key = fc.constantFrom("a", "ab", "b", "a:b", "ü", "..", "%41", "a b");
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant("put" as const), key, value: fc.integer(), ifVersion: opt(fc.integer({ min: 0, max: 3 })), ttl: opt(fc.integer({ min: 1, max: 50 })) }) },
  fc.record({ t: fc.constant("delete" as const), key, ifVersion: opt(fc.integer({ min: 0, max: 3 })) }),
  fc.record({ t: fc.constant("get" as const), keys: fc.array(key, { maxLength: 3 }) }),
  fc.record({ t: fc.constant("list" as const), limit: fc.integer({ min: 1, max: 4 }), prefix: opt(fc.constantFrom("a", "ü", ".", "%")) }),
  fc.record({ t: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 30 }) }),
  { weight: 1, arbitrary: fc.constant({ t: "clear" as const }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant("append" as const), values: fc.array(fc.integer(), { minLength: 1, maxLength: 3 }), idem: opt(fc.constantFrom("i1", "i2", "i3")) }) },
  fc.record({ t: fc.constant("read" as const), after: fc.integer({ min: 0, max: 10 }), before: opt(fc.integer({ min: 1, max: 12 })), limit: fc.integer({ min: 1, max: 5 }), fromEnd: fc.boolean() }),
); // biome-ignore format: one generator per line

describe.runIf(enabled)("Redis backend against a Map-and-array model", () => {
  it("agrees on random operation sequences, alone and through batch", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const clock = createManualClock(Date.now());
        const b = createRedisBackend({ url: server!.url, clock });
        const scope: Scope = { namespace: uniqueNamespace("model"), collection: "things", partition: "p" };
        const recs = new Map<string, { value: number; version: number; exp: number | null }>();
        const log: { value: number; idem?: string }[] = [];
        const live = (k: string) => {
          const r = recs.get(k);
          return r && (r.exp === null || r.exp > clock.now()) ? r : undefined;
        };
        try {
          for (const o of ops) await step(o);
          expect(await b.logLength(scope)).toBe(log.length);
        } finally {
          await b.clear(scope);
          await b.deleteLog(scope);
          await b.close();
        }

        async function step(o: Op): Promise<void> {
          switch (o.t) {
            case "put": {
              const cur = live(o.key)?.version ?? 0;
              const got = await b
                .put(scope, o.key, o.value, { ifVersion: o.ifVersion, ttlMs: o.ttl })
                .catch((e) => e);
              if (o.ifVersion !== undefined && o.ifVersion !== cur) {
                expect(hasErrorCode(got, "VERSION_CONFLICT")).toBe(true);
                return;
              }
              recs.set(o.key, {
                value: o.value,
                version: cur + 1,
                exp: o.ttl === undefined ? null : clock.now() + o.ttl,
              });
              expect(got).toEqual({
                key: o.key,
                value: o.value,
                version: cur + 1,
                expiresAt: recs.get(o.key)!.exp,
              });
              return;
            }
            case "delete": {
              const cur = live(o.key);
              const got = await b.delete(scope, o.key, { ifVersion: o.ifVersion }).catch((e) => e);
              if (o.ifVersion !== undefined && o.ifVersion !== (cur?.version ?? 0)) {
                expect(hasErrorCode(got, "VERSION_CONFLICT")).toBe(true);
                return;
              }
              expect(got).toBe(cur !== undefined);
              recs.delete(o.key);
              return;
            }
            case "get": {
              const want = o.keys.map((k) => {
                const r = live(k);
                return r ? [r.value, r.version] : null;
              });
              const shape = (r: { value: unknown; version: number } | null) =>
                r ? [r.value, r.version] : null;
              expect((await b.getMany(scope, o.keys)).map(shape)).toEqual(want);
              const [many, ...singles] = await b.batch([
                { op: "getMany", scope, keys: o.keys },
                ...o.keys.map((key) => ({ op: "get" as const, scope, key })),
              ]);
              expect((many as ({ value: unknown; version: number } | null)[]).map(shape)).toEqual(want);
              expect(singles.map((s) => shape(s as { value: unknown; version: number } | null))).toEqual(
                want,
              );
              return;
            }
            case "list": {
              const prefix = o.prefix ?? "";
              const want = [...recs.keys()].filter((k) => k.startsWith(prefix) && live(k)).sort(compareKeys);
              const seen: string[] = [];
              let cursor: string | undefined;
              for (;;) {
                const [page] = (await b.batch([
                  { op: "list", scope, options: { limit: o.limit, prefix, ...(cursor ? { cursor } : {}) } },
                ])) as {
                  items: { key: string }[];
                  nextCursor: string | null;
                }[];
                seen.push(...page!.items.map((i) => i.key));
                if (!page!.nextCursor) break;
                cursor = page!.nextCursor;
              }
              expect(seen).toEqual(want);
              return;
            }
            case "advance":
              clock.advance(o.ms);
              return;
            case "clear": {
              const n = [...recs.keys()].filter((k) => live(k)).length;
              expect(await b.clear(scope)).toBe(n);
              recs.clear();
              return;
            }
            case "append": {
              const items = o.values.map((v) => ({
                value: v,
                ...(o.idem ? { idempotencyKey: o.idem } : {}),
              }));
              const got = await b.append(scope, items);
              const prior = o.idem === undefined ? -1 : log.findIndex((e) => e.idem === o.idem);
              if (prior >= 0) {
                expect(got.map((g) => [g.seq, g.duplicate, g.value])).toEqual(
                  o.values.map(() => [prior + 1, true, log[prior]!.value]),
                );
                return;
              }
              const first = log.length + 1;
              if (o.idem === undefined) for (const v of o.values) log.push({ value: v });
              else log.push({ value: o.values[0]!, idem: o.idem });
              expect(got.map((g) => g.seq)).toEqual(
                o.values.map((_, i) => (o.idem === undefined ? first + i : first)),
              );
              expect(got.map((g) => g.duplicate)).toEqual(
                o.values.map((_, i) => o.idem !== undefined && i > 0),
              );
              return;
            }
            case "read": {
              const seqs = log
                .map((_, i) => i + 1)
                .filter((s) => s > o.after && (o.before === undefined || s < o.before));
              const want = o.fromEnd ? seqs.slice(-o.limit) : seqs.slice(0, o.limit);
              const options = { afterSeq: o.after, beforeSeq: o.before, limit: o.limit, fromEnd: o.fromEnd };
              const [got, length] = (await b.batch([
                { op: "readLog", scope, options },
                { op: "logLength", scope },
              ])) as [{ seq: number; value: unknown }[], number];
              expect(got.map((e) => [e.seq, e.value])).toEqual(want.map((s) => [s, log[s - 1]!.value]));
              expect(length).toBe(log.length);
              return;
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
