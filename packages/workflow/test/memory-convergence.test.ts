import { createManualClock, type MemoryBackend } from "@tta-dev/core";
import { PENDING_WINDOW_MS } from "@tta-dev/memory";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { expectCode } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { createMemoryWorkflow, type MemoryWorkflow } from "../src/index.js";
import { deferred, type FaultRule, faultyBackend } from "./faulty-backend.js";

const T0 = Date.parse("2026-12-03T10:00:00.000Z");

/** Two "processes" (a writer and a reader with a built index) and a way to start a fresh one. */
function setup(rule: FaultRule) {
  const clock = createManualClock(T0);
  const backend = createInMemoryBackend({ clock });
  let current: FaultRule = () => undefined;
  const writerBackend = faultyBackend(backend, (call) => current(call));
  const open = (b: MemoryBackend) => createMemoryWorkflow({ backend: b, namespace: "conv", clock });
  const writer = open(writerBackend);
  const reader = open(backend);
  return {
    clock,
    writer,
    reader,
    fresh: () => open(backend),
    arm: () => {
      current = rule;
    },
    disarm: () => {
      current = () => undefined;
    },
  };
}

const memoryPut = (call: { method: string; scope: { collection: string } }) =>
  call.method === "put" && call.scope.collection === "memories";
const announcement = (call: { method: string; scope: { collection: string } }) =>
  call.method === "append" && call.scope.collection === "memory-changes";

async function contents(wf: MemoryWorkflow): Promise<string[]> {
  const hits = await wf.memory.memories.search({ limit: 100 });
  return hits.map((h) => `${h.memory.id}:${h.memory.content}:${h.memory.version}`).sort();
}

describe("every process converges on the same memories, whichever of a write's two steps fails", () => {
  it("a create whose record write fails after its announcement is seen by no process, and the retry makes one memory", async () => {
    const t = setup((call) => (memoryPut(call) ? "fail" : undefined));
    await t.writer.memory.memories.create({ content: "warm-up" });
    expect(await contents(t.reader)).toHaveLength(1); // the reader's index is built
    t.arm();
    await expectCode(t.writer.memory.memories.create({ content: "lost write" }), "BACKEND_UNAVAILABLE");
    t.disarm();
    expect(await contents(t.reader)).toEqual(await contents(t.fresh()));
    expect((await contents(t.reader)).some((c) => c.includes("lost write"))).toBe(false);
    await t.writer.memory.memories.create({ content: "lost write" });
    const [reader, fresh] = [await contents(t.reader), await contents(t.fresh())];
    expect(reader).toEqual(fresh);
    expect(reader.filter((c) => c.includes("lost write"))).toHaveLength(1);
  });

  it("a create whose announcement fails writes nothing at all", async () => {
    const t = setup((call) => (announcement(call) ? "fail" : undefined));
    await t.reader.memory.memories.search({});
    t.arm();
    await expectCode(t.writer.memory.memories.create({ content: "never" }), "BACKEND_UNAVAILABLE");
    t.disarm();
    expect(await contents(t.reader)).toEqual([]);
    expect(await contents(t.fresh())).toEqual([]);
  });

  it("a reader that refreshes between the announcement and the record write still sees the write once it lands", async () => {
    for (const step of ["create", "update", "delete"] as const) {
      const hold = deferred();
      const t = setup((call) =>
        memoryPut(call) || (call.method === "delete" && call.scope.collection === "memories")
          ? hold.promise
          : undefined,
      );
      const seed = await t.writer.memory.memories.create({ content: "seed memory" });
      expect(await contents(t.reader)).toHaveLength(1);
      t.arm();
      const write =
        step === "create"
          ? t.writer.memory.memories.create({ content: "held write" })
          : step === "update"
            ? t.writer.memory.memories.update({ id: seed.id, content: "held update" })
            : t.writer.memory.memories.delete({ id: seed.id });
      // Let the writer announce, then refresh the reader while the record write is held.
      await new Promise((r) => setTimeout(r, 20));
      await t.reader.memory.memories.search({});
      expect(t.reader.memory.memories.index.stats.pending).toBe(1);
      hold.release();
      await write;
      t.disarm();
      const reader = await contents(t.reader);
      expect(reader).toEqual(await contents(t.fresh()));
      if (step === "create") expect(reader.some((c) => c.includes("held write"))).toBe(true);
      if (step === "update") expect(reader.some((c) => c.includes("held update:2"))).toBe(true);
      if (step === "delete") expect(reader).toEqual([]);
      expect(t.reader.memory.memories.index.stats.pending).toBe(0);
    }
  });

  it("an update or delete whose record write fails leaves every process with the old memory", async () => {
    const t = setup((call) =>
      memoryPut(call) || (call.method === "delete" && call.scope.collection === "memories")
        ? "fail"
        : undefined,
    );
    const seed = await t.writer.memory.memories.create({ content: "stays as it is" });
    await contents(t.reader);
    t.arm();
    await expectCode(t.writer.memory.memories.update({ id: seed.id, content: "x" }), "BACKEND_UNAVAILABLE");
    await expectCode(t.writer.memory.memories.delete({ id: seed.id }), "BACKEND_UNAVAILABLE");
    t.disarm();
    const reader = await contents(t.reader);
    expect(reader).toEqual([`${seed.id}:stays as it is:1`]);
    expect(reader).toEqual(await contents(t.fresh()));
  });

  it("a fresh process built while a write is held picks the write up on its next search", async () => {
    const hold = deferred();
    const t = setup((call) => (memoryPut(call) ? hold.promise : undefined));
    t.arm();
    const write = t.writer.memory.memories.create({ content: "landing during the build" });
    await new Promise((r) => setTimeout(r, 20));
    const late = t.fresh();
    expect(await contents(late)).toEqual([]);
    hold.release();
    await write;
    expect((await contents(late)).some((c) => c.includes("landing during the build"))).toBe(true);
  });

  it("stops re-reading an announced write that never lands once the pending window has passed", async () => {
    const hold = deferred();
    const t = setup((call) => (memoryPut(call) ? hold.promise : undefined));
    await contents(t.reader);
    t.arm();
    void t.writer.memory.memories.create({ content: "its writer died" }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    await t.reader.memory.memories.search({});
    expect(t.reader.memory.memories.index.stats.pending).toBe(1);
    t.clock.advance(PENDING_WINDOW_MS + 1);
    await t.reader.memory.memories.search({});
    expect(t.reader.memory.memories.index.stats.pending).toBe(0);
  });
});
