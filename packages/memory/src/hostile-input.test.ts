import { describe, expect, it } from "vitest";
import { expectCode, SID, setup } from "../test/fixture.js";
import type { MemoryStore } from "./index.js";

const KIB = 1024;
const MIB = 1024 * 1024;
const tags33 = Array.from({ length: 33 }, (_, i) => `t${i}`);
const protoMeta = () => JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
const nestedProto = () => JSON.parse('{"a": {"b": [{"__proto__": 1}]}}') as Record<string, unknown>;

/** Everything a reader can see, to compare before and after a refused write. */
async function snapshot(store: MemoryStore, rawKeys: () => Promise<string[]>, memoryId: string) {
  return JSON.stringify({
    keys: await rawKeys(),
    session: await store.sessions.get({ id: SID }),
    sessions: await store.sessions.list(),
    messages: await store.messages.list({ sessionId: SID, afterSeq: 0 }),
    cache: await store.cache.list({ sessionId: SID }),
    memory: await store.memories.get({ id: memoryId }),
    search: await store.memories.search({ limit: 100 }),
  });
}

type Case = [name: string, code: string, run: (store: MemoryStore, memoryId: string) => Promise<unknown>];

const cases: Case[] = [
  [
    "message content over 1 MiB",
    "LIMIT_EXCEEDED",
    (s) => s.messages.append({ sessionId: SID, content: "x".repeat(MIB + 1) }),
  ],
  [
    "message content over 1 MiB in UTF-8 bytes",
    "LIMIT_EXCEEDED",
    (s) => s.messages.append({ sessionId: SID, content: "é".repeat(MIB / 2 + 1) }),
  ],
  [
    "message metadata with __proto__",
    "VALIDATION_FAILED",
    (s) => s.messages.append({ sessionId: SID, content: "x", metadata: protoMeta() }),
  ],
  [
    "message metadata with a nested __proto__",
    "VALIDATION_FAILED",
    (s) => s.messages.append({ sessionId: SID, content: "x", metadata: nestedProto() }),
  ],
  [
    "message metadata with constructor",
    "VALIDATION_FAILED",
    (s) => s.messages.append({ sessionId: SID, content: "x", metadata: { constructor: 1 } }),
  ],
  [
    "message metadata over 16 KiB",
    "LIMIT_EXCEEDED",
    (s) => s.messages.append({ sessionId: SID, content: "x", metadata: { a: "x".repeat(16 * KIB) } }),
  ],
  [
    "message batch over 1000",
    "LIMIT_EXCEEDED",
    (s) =>
      s.messages.appendBatch({
        sessionId: SID,
        messages: Array.from({ length: 1001 }, () => ({ content: "x" })),
      }),
  ],
  [
    "message with an unknown role",
    "VALIDATION_FAILED",
    (s) => s.messages.append({ sessionId: SID, content: "x", role: "root" as "user" }),
  ],
  [
    "a top-level __proto__ key",
    "VALIDATION_FAILED",
    (s) =>
      s.messages.append(JSON.parse(`{"sessionId":"${SID}","content":"x","__proto__":{"role":"system"}}`)),
  ],
  [
    "memory content over 64 KiB",
    "LIMIT_EXCEEDED",
    (s) => s.memories.create({ content: "x".repeat(64 * KIB + 1) }),
  ],
  ["memory with 33 tags", "LIMIT_EXCEEDED", (s) => s.memories.create({ content: "x", tags: tags33 })],
  [
    "memory with a bad tag",
    "VALIDATION_FAILED",
    (s) => s.memories.create({ content: "x", tags: ["ok", "bad tag!"] }),
  ],
  [
    "memory with a tag starting with a dot",
    "VALIDATION_FAILED",
    (s) => s.memories.create({ content: "x", tags: [".hidden"] }),
  ],
  [
    "memory importance NaN",
    "VALIDATION_FAILED",
    (s) => s.memories.create({ content: "x", importance: Number.NaN }),
  ],
  ["memory importance -1", "VALIDATION_FAILED", (s) => s.memories.create({ content: "x", importance: -1 })],
  ["memory importance 2", "VALIDATION_FAILED", (s) => s.memories.create({ content: "x", importance: 2 })],
  [
    "memory importance Infinity",
    "VALIDATION_FAILED",
    (s) => s.memories.create({ content: "x", importance: Number.POSITIVE_INFINITY }),
  ],
  ["memory with empty content", "VALIDATION_FAILED", (s) => s.memories.create({ content: "   " })],
  [
    "memory with an unsafe session id",
    "NAME_INVALID",
    (s) => s.memories.create({ content: "x", sessionId: "../x" }),
  ],
  ["memory update importance 2", "VALIDATION_FAILED", (s, id) => s.memories.update({ id, importance: 2 })],
  ["memory update with 33 tags", "LIMIT_EXCEEDED", (s, id) => s.memories.update({ id, tags: tags33 })],
  [
    "memory update content over 64 KiB",
    "LIMIT_EXCEEDED",
    (s, id) => s.memories.update({ id, content: "x".repeat(64 * KIB + 1) }),
  ],
  [
    "memory update with an unknown field",
    "VALIDATION_FAILED",
    (s, id) => s.memories.update({ id, version: 9 } as never),
  ],
  [
    "session with 33 tags",
    "LIMIT_EXCEEDED",
    (s) => s.sessions.create({ id: "other-one-2025-01-01", tags: tags33 }),
  ],
  [
    "session with a bad tag",
    "VALIDATION_FAILED",
    (s) => s.sessions.create({ id: "other-one-2025-01-01", tags: ["UPPER OK?"] }),
  ],
  [
    "session metadata with __proto__",
    "VALIDATION_FAILED",
    (s) => s.sessions.create({ id: "other-one-2025-01-01", metadata: protoMeta() }),
  ],
  [
    "session metadata with prototype",
    "VALIDATION_FAILED",
    (s) => s.sessions.create({ id: "other-one-2025-01-01", metadata: { prototype: {} } }),
  ],
  [
    "session metadata with 65 keys",
    "LIMIT_EXCEEDED",
    (s) =>
      s.sessions.create({
        id: "other-one-2025-01-01",
        metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, i])),
      }),
  ],
  ["session id with a path", "NAME_INVALID", (s) => s.sessions.create({ id: "../../etc-passwd-2025-01-01" })],
  ["session id that breaks the pattern", "NAME_INVALID", (s) => s.sessions.create({ id: "Not A Name" })],
  [
    "session complete with a 33-tag lesson",
    "LIMIT_EXCEEDED",
    (s) => s.sessions.complete({ id: SID, lessons: ["fine", { content: "x", tags: tags33 }] }),
  ],
  [
    "session complete with an oversized lesson",
    "LIMIT_EXCEEDED",
    (s) => s.sessions.complete({ id: SID, lessons: ["x".repeat(64 * KIB + 1)] }),
  ],
  [
    "session complete with a lesson of importance NaN",
    "VALIDATION_FAILED",
    (s) => s.sessions.complete({ id: SID, lessons: [{ content: "x", importance: Number.NaN }] }),
  ],
  ["cache TTL 0", "VALIDATION_FAILED", (s) => s.cache.set({ sessionId: SID, key: "n", value: 1, ttlMs: 0 })],
  [
    "cache TTL under 1 s",
    "VALIDATION_FAILED",
    (s) => s.cache.set({ sessionId: SID, key: "n", value: 1, ttlMs: 999 }),
  ],
  [
    "cache TTL over 30 d",
    "VALIDATION_FAILED",
    (s) => s.cache.set({ sessionId: SID, key: "n", value: 1, ttlMs: 30 * 86_400_000 + 1 }),
  ],
  [
    "cache TTL NaN",
    "VALIDATION_FAILED",
    (s) => s.cache.set({ sessionId: SID, key: "n", value: 1, ttlMs: Number.NaN }),
  ],
  [
    "cache value over 1 MiB",
    "LIMIT_EXCEEDED",
    (s) => s.cache.set({ sessionId: SID, key: "n", value: "x".repeat(MIB) }),
  ],
  [
    "cache value with __proto__",
    "VALIDATION_FAILED",
    (s) => s.cache.set({ sessionId: SID, key: "n", value: protoMeta() }),
  ],
  [
    "cache value that is not JSON",
    "VALIDATION_FAILED",
    (s) => s.cache.set({ sessionId: SID, key: "n", value: { n: 10n } as never }),
  ],
  [
    "cache value nested too deeply",
    "VALIDATION_FAILED",
    (s) => s.cache.set({ sessionId: SID, key: "n", value: deep(200_000) }),
  ],
  [
    "cache value nested 2000 levels",
    "VALIDATION_FAILED",
    (s) => s.cache.set({ sessionId: SID, key: "n", value: deep(2000) }),
  ],
  [
    "message metadata nested 2000 levels",
    "VALIDATION_FAILED",
    (s) => s.messages.append({ sessionId: SID, content: "x", metadata: { v: deepObject(2000) } as never }),
  ],
  [
    "session metadata nested 100 levels",
    "VALIDATION_FAILED",
    (s) => s.sessions.create({ id: "other-one-2025-01-01", metadata: { v: deepObject(100) } as never }),
  ],
  [
    "cache key __proto__",
    "VALIDATION_FAILED",
    (s) => s.cache.set({ sessionId: SID, key: "__proto__", value: 1 }),
  ],
  [
    "cache key with a control character",
    "VALIDATION_FAILED",
    (s) => s.cache.set({ sessionId: SID, key: "a\u0000b", value: 1 }),
  ],
  ["search with 33 tags", "LIMIT_EXCEEDED", (s) => s.memories.search({ tags: tags33 })],
  ["search with minImportance 2", "VALIDATION_FAILED", (s) => s.memories.search({ minImportance: 2 })],
  ["search with a bad since", "VALIDATION_FAILED", (s) => s.memories.search({ since: "yesterday" })],
];

function deepObject(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}

function deep(n: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

describe("hostile input", () => {
  it.each(cases)("refuses %s with %s before writing anything", async (_name, code, run) => {
    const { store, backend, namespace } = setup();
    await store.sessions.create({ id: SID, metadata: { keep: true } });
    await store.messages.append({ sessionId: SID, content: "existing" });
    await store.cache.set({ sessionId: SID, key: "k", value: { v: 1 } });
    const memory = await store.memories.create({ content: "existing memory", tags: ["x"] });
    const before = await snapshot(store, () => backend.rawKeys(namespace), memory.id);
    await expectCode(run(store, memory.id), code);
    expect(await snapshot(store, () => backend.rawKeys(namespace), memory.id)).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
