import { assertCapabilities, type MemoryBackend } from "@tta-dev/core";
import { expect, it } from "vitest";
import { runChildren } from "../child/run-children.js";
import { casIncrement, readAll } from "../util.js";
import type { Harness } from "./harness.js";

async function hammer(
  backends: MemoryBackend[],
  namespace: string,
  writers: number,
  each: number,
): Promise<void> {
  const s = { namespace, collection: "things" };
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const b = backends[w % backends.length]!;
      for (let i = 0; i < each; i++) await casIncrement(b, s, "counter");
    }),
  );
}

/** Concurrent writers with ifVersion and retries lose no update; two instances and child processes too. */
export function concurrencySuite(h: Harness): void {
  const scale = h.options.concurrencyScale ?? 1;
  const writers = Math.max(2, Math.round(8 * scale));
  const each = Math.max(3, Math.round(10 * scale));

  it("lets concurrent read-modify-write writers with ifVersion lose no update", async () => {
    const { backend, namespace } = await h.setup();
    await hammer([backend], namespace, writers, each);
    const rec = await backend.get({ namespace, collection: "things" }, "counter");
    expect(rec?.value).toEqual({ n: writers * each });
    expect(rec?.version).toBe(writers * each);
  });

  it("lets exactly one of two concurrent creators with ifVersion 0 win", async () => {
    const { backend, namespace } = await h.setup();
    const s = { namespace, collection: "things" };
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => backend.put(s, "once", i, { ifVersion: 0 })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((await backend.get(s, "once"))?.version).toBe(1);
  });

  it("two backend instances over one store: no lost update, gapless seqs (or honestly not offered)", async () => {
    if (!h.options.createPeer) {
      // A store with no second instance over it must not claim to be shared.
      const { backend } = await h.setup();
      expect(backend.capabilities.crossProcess).toBe(false);
      expect(() => assertCapabilities(backend, { crossProcess: true })).toThrow(/does not support/);
      return;
    }
    const first = await h.setup();
    const peer = await h.peer(first);
    if (!first.backend.capabilities.atomicCompareAndSet) {
      expect(() => assertCapabilities(first.backend, { atomicCompareAndSet: true })).toThrow(
        /does not support/,
      );
      return;
    }
    await hammer([first.backend, peer], first.namespace, writers, each);
    const rec = await peer.get({ namespace: first.namespace, collection: "things" }, "counter");
    expect(rec?.value).toEqual({ n: writers * each });
    const log = { namespace: first.namespace, collection: "events", partition: "shared" };
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? first.backend : peer).append(log, [{ value: i }, { value: i }]),
      ),
    );
    expect((await readAll(first.backend, log)).map((e) => e.seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it("child processes appending and updating at once: unique gapless seqs, no lost update (or honestly refused)", async () => {
    const child = h.options.childProcess;
    const { backend, namespace } = await h.setup();
    if (!backend.capabilities.crossProcess) {
      // Not cross-process safe: asking for it fails NOT_SUPPORTED rather than running weaker.
      expect(() => assertCapabilities(backend, { crossProcess: true })).toThrow(/does not support/);
      return;
    }
    if (!child)
      throw new Error(`${h.options.name} declares crossProcess but gives no childProcess module to prove it`);
    const count = 3;
    const appends = Math.max(10, Math.round(60 * scale));
    const increments = Math.max(5, Math.round(20 * scale));
    const results = await runChildren({ ...child, namespace, count, appends, increments, batch: 3 });
    const seqs = results.flatMap((r) => r.seqs).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: count * appends }, (_, i) => i + 1));
    const log = { namespace, collection: "events", partition: "shared" };
    const all = await readAll(backend, log);
    expect(all.map((e) => e.seq)).toEqual(seqs);
    const rec = await backend.get({ namespace, collection: "things" }, "counter");
    expect(rec?.value).toEqual({ n: count * increments });
  }, 120_000);
}
