import { memoriesScope, memoryChangesScope } from "@tta-dev/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setup } from "../test/fixture.js";
import { resolveMemoryContext } from "./context.js";
import { createMemoryStore } from "./index.js";
import type { MemoryIndex } from "./memory-index.js";
import { createIndexSync, type IndexSyncOptions, PENDING_WINDOW_MS, TRIM_KEEP_MS } from "./memory-sync.js";

/** Persist at every refresh with a change; trim once 50 entries would go, keeping the last minute. */
const EAGER: IndexSyncOptions = {
  persistMinChanges: 1,
  persistShare: 0,
  trimMinEntries: 50,
  trimKeepMs: 60_000,
};

function world() {
  const w = setup();
  const ctx = resolveMemoryContext({ backend: w.backend, clock: w.clock, namespace: w.namespace });
  const changes = memoryChangesScope(w.namespace);
  const add = async (n: number, label: string): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      ids.push((await w.store.memories.create({ content: `${label} pool lesson ${i}` })).id);
    }
    return ids;
  };
  const firstSeq = async (): Promise<number | undefined> =>
    (await w.backend.readLog(changes, { limit: 1 }))[0]?.seq;
  /** The index holds exactly the stored memories, each at its stored version. */
  const expectInStep = async (index: MemoryIndex, gone: readonly string[] = []): Promise<void> => {
    let cursor: string | undefined;
    let seen = 0;
    do {
      const page = await w.backend.list(memoriesScope(w.namespace), {
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      for (const record of page.items) expect(index.versionOf(record.key), record.key).toBe(record.version);
      seen += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toBeGreaterThan(0);
    for (const id of gone) expect(index.slotOf(id), id).toBe(-1);
  };
  return { ...w, ctx, changes, add, firstSeq, expectInStep };
}

describe("compacting the memory-changes log", () => {
  it("trims below the persisted index, keeping what was announced within the keep window", async () => {
    const w = world();
    await w.add(200, "old");
    w.clock.advance(60_001);
    await w.add(10, "recent");
    const sync = createIndexSync(w.ctx, EAGER);
    await w.expectInStep(await sync.fresh());
    // Entries 1–200 are older than the window, 201–210 within it: 200 (the newest old one) stays.
    expect(sync.stats).toMatchObject({ persists: 1, trims: 1, lastTrimmed: 199, lastTrimError: null });
    expect(await w.firstSeq()).toBe(200);
    expect(await w.backend.logLength(w.changes)).toBe(210);
    // A new process loads the persisted index (its anchor entry was kept) and finds every memory.
    const next = w.store.memories;
    const fresh = createMemoryStore({ backend: w.backend, clock: w.clock, namespace: w.namespace });
    expect(await fresh.memories.search({ query: "old", limit: 100 })).toHaveLength(100);
    expect(fresh.memories.index.stats).toMatchObject({ loads: 1, builds: 0 });
    expect(await next.search({ query: "recent", limit: 100 })).toHaveLength(10);
    await w.expectInStep(await fresh.memories.index.fresh());
  });

  it("never trims entries of the keep window, nor fewer than the minimum", async () => {
    const w = world();
    await w.add(120, "now");
    const sync = createIndexSync(w.ctx, EAGER);
    await sync.fresh();
    expect(sync.stats).toMatchObject({ persists: 1, trims: 0 });
    expect(await w.firstSeq()).toBe(1);
    w.clock.advance(60_001);
    await w.add(1, "later");
    const few = createIndexSync(w.ctx, { ...EAGER, trimMinEntries: 500 });
    await few.fresh();
    expect(few.stats).toMatchObject({ trims: 0 });
    expect(await w.firstSeq()).toBe(1);
  });

  it("keeps twice the pending window by default", () => {
    expect(TRIM_KEEP_MS).toBe(2 * PENDING_WINDOW_MS);
  });

  it("a process whose index is older than the trim point loads the persisted index and catches up", async () => {
    const w = world();
    const early = await w.add(50, "early");
    const idle = createIndexSync(w.ctx); // default options: never trims on its own
    await idle.fresh();
    expect(idle.stats.seenSeq).toBe(50);
    await w.add(200, "middle");
    w.clock.advance(60_001);
    await w.add(5, "late");
    const trimmer = createIndexSync(w.ctx, EAGER);
    await trimmer.fresh();
    expect(trimmer.stats.trims).toBe(1);
    expect(await w.firstSeq()).toBeGreaterThan(51);
    // Writes after the trim: an update and a delete of memories the idle index already holds.
    await w.store.memories.update({ id: early[0]!, content: "early pool lesson, rewritten" });
    await w.store.memories.delete({ id: early[1]! });
    const index = await idle.fresh();
    expect(idle.stats).toMatchObject({ trimmedPast: 1, loads: 1 });
    await w.expectInStep(index, [early[1]!]);
  });

  it("a persisted index anchored below the trim point is not used: the process builds", async () => {
    const w = world();
    await w.add(60, "first");
    const writer = createIndexSync(w.ctx, { persistMinChanges: 1, persistShare: 0 });
    await writer.fresh(); // persisted at seq 60, no trimming
    expect(writer.stats.persists).toBe(1);
    const more = await w.add(100, "second");
    expect(await w.backend.trimLog!(w.changes, 100)).toBe(99);
    const reader = createIndexSync(w.ctx);
    await w.expectInStep(await reader.fresh());
    expect(reader.stats).toMatchObject({ lastRejected: "foreign", builds: 1 });
    expect((await reader.fresh()).versionOf(more[99]!)).toBe(1);
  });

  it("does nothing on a backend without trimLog", async () => {
    const w = world();
    await w.add(120, "old");
    w.clock.advance(60_001);
    const backend = { ...w.backend, trimLog: undefined };
    const ctx = resolveMemoryContext({ backend, clock: w.clock, namespace: w.namespace });
    const sync = createIndexSync(ctx, EAGER);
    await w.expectInStep(await sync.fresh());
    expect(sync.stats).toMatchObject({ persists: 1, trims: 0 });
    expect(await w.firstSeq()).toBe(1);
  });

  it("any interleaving of writes, clock moves, refreshes and trims leaves every index in step", async () => {
    type Step =
      | { kind: "create"; n: number }
      | { kind: "update" | "delete"; target: number }
      | { kind: "advance"; ms: number }
      | { kind: "refresh"; who: 0 | 1 | 2 };
    const step: fc.Arbitrary<Step> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ kind: fc.constant("create" as const), n: fc.integer({ min: 1, max: 40 }) }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constantFrom("update" as const, "delete" as const),
          target: fc.nat(),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant("advance" as const),
          ms: fc.integer({ min: 0, max: 90_000 }),
        }),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant("refresh" as const),
          who: fc.constantFrom(0 as const, 1 as const, 2 as const),
        }),
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const w = world();
        // Two trimming processes and one that never trims nor persists on its own.
        const syncs = [
          createIndexSync(w.ctx, EAGER),
          createIndexSync(w.ctx, { ...EAGER, trimMinEntries: 20 }),
          createIndexSync(w.ctx, { persistMinChanges: 1_000_000, persistIntervalMs: 1e12 }),
        ];
        const live: string[] = [];
        const gone: string[] = [];
        for (const s of steps) {
          if (s.kind === "create") live.push(...(await w.add(s.n, "step")));
          else if (s.kind === "advance") w.clock.advance(s.ms);
          else if (s.kind === "refresh") await syncs[s.who]!.fresh();
          else if (live.length) {
            const i = s.target % live.length;
            const id = live[i]!;
            if (s.kind === "update")
              await w.store.memories.update({ id, content: `updated pool ${s.target}` });
            else {
              await w.store.memories.delete({ id });
              live.splice(i, 1);
              gone.push(id);
            }
          }
        }
        await w.add(1, "last");
        for (const sync of syncs) await w.expectInStep(await sync.fresh(), gone);
      }),
      { numRuns: 60 },
    );
  });
});
