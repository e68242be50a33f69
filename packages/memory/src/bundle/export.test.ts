import { groupsScope, type SessionGroup } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { expectCode, setup, T0 } from "../../test/fixture.js";
import { exportBundle } from "./export.js";
import { type BundleEntity, createBundleReader } from "./format.js";

const A = "cache-feature-2026-11-25";
const B = "billing-fix-2026-11-25";

async function seeded() {
  const s = setup();
  const { store, clock, backend, namespace } = s;
  await store.sessions.create({ id: A, title: "Cache", tags: ["redis"] });
  await store.sessions.create({ id: B });
  await store.messages.appendBatch({
    sessionId: A,
    messages: [
      { role: "user", content: "Plan the cache ✓ — 日本語", idempotencyKey: "p1" },
      { role: "assistant", content: "One hash per user." },
    ],
  });
  await store.messages.append({ sessionId: B, content: "Fix the invoice rounding" });
  await store.cache.set({ sessionId: A, key: "plan", value: { steps: [1, 2] } });
  await store.cache.set({ sessionId: A, key: "soon-gone", value: 1, ttlMs: 1_000 });
  const lesson = await store.memories.create({
    content: "Redis hashes beat keys",
    kind: "lesson",
    sessionId: A,
  });
  await store.memories.update({ id: lesson.id, importance: 0.9 });
  const other = await store.memories.create({ content: "Round half to even", sessionId: B });
  const group: SessionGroup = {
    id: "cache-work",
    description: "",
    tags: [],
    sessionIds: [A],
    status: "active",
    metadata: {},
    createdAt: T0,
    updatedAt: T0,
    version: 1,
  };
  await backend.put(groupsScope(namespace), group.id, group);
  clock.advance(2_000); // the 1 s cache entry has expired
  return { ...s, lesson: await store.memories.get({ id: lesson.id }), other, group };
}

async function bundle(options: Parameters<typeof exportBundle>[0]) {
  const lines: string[] = [];
  for await (const line of exportBundle(options)) lines.push(line);
  const reader = createBundleReader();
  const entities = lines.map((l) => reader.line(l.slice(0, -1))).slice(1, -1) as BundleEntity[];
  return { lines, entities, trailer: reader.end() };
}

describe("exportBundle", () => {
  it("writes every session, message (seq, key, time), live cache entry, memory (version) and group, in a bundle that checks", async () => {
    const { backend, namespace, store, lesson, other, group } = await seeded();
    const { entities, trailer, lines } = await bundle({ backend, namespace, tool: "tta test", now: () => 0 });
    expect(trailer.counts).toEqual({ session: 2, message: 3, cache: 1, memory: 2, group: 1, paf: 0 });
    const of = <K extends BundleEntity["type"]>(type: K) =>
      entities.filter((e): e is Extract<BundleEntity, { type: K }> => e.type === type);
    expect(of("session").map((e) => e.session)).toEqual([
      await store.sessions.get({ id: B }),
      await store.sessions.get({ id: A }),
    ]);
    expect(of("message").map((e) => e.message)).toEqual([
      ...(await store.messages.list({ sessionId: B })).items,
      ...(await store.messages.list({ sessionId: A })).items,
    ]);
    expect(of("message")[1]!.message).toMatchObject({ seq: 1, idempotencyKey: "p1", createdAt: T0 });
    expect(of("cache").map((e) => e.entry.key)).toEqual(["plan"]);
    expect(
      of("memory")
        .map((e) => e.memory)
        .sort((x, y) => x.id.localeCompare(y.id)),
    ).toEqual([lesson, other].sort((x, y) => x.id.localeCompare(y.id)));
    expect(lesson.version).toBe(2);
    expect(of("group").map((e) => e.group)).toEqual([group]);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      type: "header",
      namespace,
      tool: "tta test",
      createdAt: "1970-01-01T00:00:00.000Z",
    });
  });

  it("with sessions: only those, their messages and cache, the memories linked to them and their groups", async () => {
    const { backend, namespace, lesson } = await seeded();
    const { entities, trailer } = await bundle({ backend, namespace, tool: "t", sessions: [A] });
    expect(trailer.counts).toEqual({ session: 1, message: 2, cache: 1, memory: 1, group: 1, paf: 0 });
    expect(entities.find((e) => e.type === "memory")).toEqual({ type: "memory", memory: lesson });
    await expectCode(
      bundle({ backend, namespace, tool: "t", sessions: [A, "nope-x-2026-01-01"] }),
      "SESSION_NOT_FOUND",
    );
  });

  it("with since: every session, and only the messages, cache, memories and groups since then", async () => {
    const { backend, namespace, store, clock } = await seeded();
    const since = new Date(clock.now()).toISOString();
    await store.messages.append({ sessionId: A, content: "later" });
    const { entities } = await bundle({ backend, namespace, tool: "t", since });
    expect(entities.map((e) => e.type)).toEqual(["session", "session", "message"]);
    expect(entities[2]).toMatchObject({ message: { content: "later", seq: 3 } });
  });

  it("pages through a long session: 2 500 messages in seq order", async () => {
    const { backend, namespace, store } = setup();
    await store.sessions.create({ id: A });
    for (let i = 0; i < 2_500; i += 250) {
      await store.messages.appendBatch({
        sessionId: A,
        messages: Array.from({ length: 250 }, (_, j) => ({ content: `m${i + j}` })),
      });
    }
    const { entities } = await bundle({ backend, namespace, tool: "t" });
    const seqs = entities.flatMap((e) => (e.type === "message" ? [e.message.seq] : []));
    expect(seqs).toEqual(Array.from({ length: 2_500 }, (_, i) => i + 1));
  });
});
