import { describe, expect, it } from "vitest";
import { countingBackend, expectCode, SID, setup, T0 } from "../test/fixture.js";
import { createMemoryStore } from "./index.js";

async function withMessages(n: number) {
  const env = setup();
  await env.store.sessions.create({ id: SID });
  for (let i = 0; i < n; i += 500) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + 500); j++) batch.push({ content: `m${j + 1}` });
    await env.store.messages.appendBatch({ sessionId: SID, messages: batch });
  }
  return env;
}

async function timedMessages(n: number) {
  const env = setup();
  await env.store.sessions.create({ id: SID });
  for (let i = 1; i <= n; i++) {
    await env.store.messages.append({ sessionId: SID, content: `m${i}` });
    env.clock.advance(1000);
  }
  return env;
}

describe("messages", () => {
  it("assigns seqs 1, 2, 3… and a batch consecutive seqs", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID });
    const one = await store.messages.append({
      sessionId: SID,
      role: "assistant",
      content: "hi",
      metadata: { a: 1 },
    });
    expect(one).toEqual({
      sessionId: SID,
      seq: 1,
      role: "assistant",
      content: "hi",
      metadata: { a: 1 },
      createdAt: T0,
    });
    const batch = await store.messages.appendBatch({
      sessionId: SID,
      messages: [{ content: "a" }, { role: "tool", content: "b" }],
    });
    expect(batch.map((m) => [m.seq, m.role])).toEqual([
      [2, "user"],
      [3, "tool"],
    ]);
  });

  it("returns the original message for a known idempotency key instead of a duplicate", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID });
    const first = await store.messages.append({ sessionId: SID, content: "once", idempotencyKey: "k1" });
    const retry = await store.messages.append({ sessionId: SID, content: "changed", idempotencyKey: "k1" });
    expect(retry).toEqual(first);
    const batch = await store.messages.appendBatch({
      sessionId: SID,
      messages: [
        { content: "x", idempotencyKey: "k2" },
        { content: "y", idempotencyKey: "k2" },
        { content: "z", idempotencyKey: "k1" },
      ],
    });
    expect(batch.map((m) => [m.seq, m.content])).toEqual([
      [2, "x"],
      [2, "x"],
      [1, "once"],
    ]);
    expect((await store.messages.list({ sessionId: SID })).items.map((m) => m.content)).toEqual([
      "once",
      "x",
    ]);
  });

  it("appends only to an existing, active session", async () => {
    const { store } = setup();
    await expectCode(store.messages.append({ sessionId: SID, content: "x" }), "SESSION_NOT_FOUND");
    await store.sessions.create({ id: SID });
    await store.sessions.complete({ id: SID });
    const error = await expectCode(
      store.messages.append({ sessionId: SID, content: "x" }),
      "SESSION_NOT_ACTIVE",
    );
    expect(error.details).toMatchObject({ status: "completed" });
    await expectCode(
      store.messages.appendBatch({ sessionId: SID, messages: [{ content: "x" }] }),
      "SESSION_NOT_ACTIVE",
    );
    await expectCode(store.messages.list({ sessionId: "nope-none-2025-01-01" }), "SESSION_NOT_FOUND");
  });

  it("takes a batch of at most 1000, all or nothing", async () => {
    const { store } = setup();
    await store.sessions.create({ id: SID });
    const many = Array.from({ length: 1001 }, (_, i) => ({ content: `m${i}` }));
    await expectCode(store.messages.appendBatch({ sessionId: SID, messages: many }), "LIMIT_EXCEEDED");
    await expectCode(store.messages.appendBatch({ sessionId: SID, messages: [] }), "VALIDATION_FAILED");
    const mixed = [{ content: "ok" }, { content: "x".repeat(1024 * 1024 + 1) }];
    await expectCode(store.messages.appendBatch({ sessionId: SID, messages: mixed }), "LIMIT_EXCEEDED");
    expect((await store.messages.list({ sessionId: SID })).items).toEqual([]);
    expect(await store.messages.appendBatch({ sessionId: SID, messages: many.slice(0, 1000) })).toHaveLength(
      1000,
    );
  });

  it("lists the last N, ascending", async () => {
    const { store } = await withMessages(120);
    const page = await store.messages.list({ sessionId: SID, last: 3 });
    expect(page).toMatchObject({ nextCursor: null });
    expect(page.items.map((m) => m.seq)).toEqual([118, 119, 120]);
    expect((await store.messages.list({ sessionId: SID })).items).toHaveLength(100);
  });

  it("pages forward after a seq until the end", async () => {
    const { store } = await withMessages(25);
    const seqs: number[] = [];
    let cursor: string | undefined;
    let page = await store.messages.list({ sessionId: SID, afterSeq: 3, limit: 10 });
    for (;;) {
      seqs.push(...page.items.map((m) => m.seq));
      cursor = page.nextCursor ?? undefined;
      if (!cursor) break;
      page = await store.messages.list({ sessionId: SID, cursor, limit: 10 });
    }
    expect(seqs).toEqual(Array.from({ length: 22 }, (_, i) => i + 4));
    await expectCode(store.messages.list({ sessionId: SID, last: 2, afterSeq: 1 }), "VALIDATION_FAILED");
    await expectCode(store.messages.list({ sessionId: SID, cursor: "x1" }), "VALIDATION_FAILED");
  });

  it("lists since a time: the oldest first with a cursor, or the newest N since then", async () => {
    const { store } = await timedMessages(20); // m1 at T0, m2 at T0+1s, …
    const since = "2026-11-25T12:00:15.000Z"; // m16…m20
    const first = await store.messages.list({ sessionId: SID, since, limit: 3 });
    expect(first.items.map((m) => m.content)).toEqual(["m16", "m17", "m18"]);
    const rest = await store.messages.list({ sessionId: SID, cursor: first.nextCursor!, limit: 3 });
    expect(rest.items.map((m) => m.content)).toEqual(["m19", "m20"]);
    expect(rest.nextCursor).toBeNull();
    const newest = await store.messages.list({ sessionId: SID, since, last: 2 });
    expect(newest.items.map((m) => m.content)).toEqual(["m19", "m20"]);
    const few = await store.messages.list({ sessionId: SID, since: "2026-11-25T12:00:18.500Z", last: 50 });
    expect(few.items.map((m) => m.content)).toEqual(["m20"]);
    expect((await store.messages.list({ sessionId: SID, since: "2027-01-01T00:00:00.000Z" })).items).toEqual(
      [],
    );
  });

  it("finds where `since` starts across several backward pages and pages forward from there", async () => {
    const { store } = await timedMessages(2500);
    const since = "2026-11-25T12:08:19.000Z"; // m500 (T0 + 499 s)
    const first = await store.messages.list({ sessionId: SID, since, limit: 5 });
    expect(first.items.map((m) => m.content)).toEqual(["m500", "m501", "m502", "m503", "m504"]);
    const next = await store.messages.list({ sessionId: SID, cursor: first.nextCursor!, limit: 2 });
    expect(next.items.map((m) => m.content)).toEqual(["m505", "m506"]);
  });

  it("reads in proportion to what is asked, not to the length of the history", async () => {
    const env = setup();
    const counting = countingBackend(env.backend);
    const store = createMemoryStore({ backend: counting, clock: env.clock, namespace: env.namespace });
    await store.sessions.create({ id: SID });
    for (let i = 0; i < 10; i++) {
      await store.messages.appendBatch({
        sessionId: SID,
        messages: Array.from({ length: 1000 }, (_, j) => ({ content: `m${i * 1000 + j}` })),
      });
      env.clock.advance(60_000);
    }
    await store.messages.append({ sessionId: SID, content: "latest" });
    counting.entriesRead = 0;
    await store.messages.list({ sessionId: SID, last: 50 });
    expect(counting.entriesRead).toBe(50);
    counting.entriesRead = 0;
    await store.messages.list({ sessionId: SID, afterSeq: 9990, limit: 5 });
    expect(counting.entriesRead).toBe(6);
    counting.entriesRead = 0;
    const recent = await store.messages.list({
      sessionId: SID,
      since: new Date(env.clock.now()).toISOString(),
    });
    expect(recent.items.map((m) => m.content)).toEqual(["latest"]);
    expect(counting.entriesRead).toBeLessThanOrEqual(1000);
    counting.entriesRead = 0;
    const lastBatch = await store.messages.list({
      sessionId: SID,
      since: new Date(env.clock.now() - 60_000).toISOString(),
      limit: 1000,
    });
    expect(lastBatch.items).toHaveLength(1000);
    expect(counting.entriesRead).toBeLessThanOrEqual(2000);
  });
});
