import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createManualClock,
  groupsScope,
  type ManualClock,
  type MemoryBackend,
  type SessionGroup,
} from "@tta-dev/core";
import { createMemoryStore, exportBundle, importBundle } from "@tta-dev/memory";
import { createFileBackend } from "@tta-dev/memory-file";
import { createKeyvBackend } from "@tta-dev/memory-keyv";
import { createRedisBackend } from "@tta-dev/memory-redis";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import fc from "fast-check";
import Keyv from "keyv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * Property: random data stored in a file backend, exported, imported into Redis (and into Keyv), and
 * exported again gives the same bundle, line for line. The stores and the import share one manual
 * clock, so a cache entry's TTL left (`expiresAt - now`, computed by the import) lands on the same
 * `expiresAt` on the target; the header's `createdAt` is pinned to T0 on both exports.
 */

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;

/** Text without control characters (titles refuse them); graphemes of the whole of Unicode. */
const text = (maxLength: number) =>
  fc.string({ unit: "grapheme", maxLength }).map((s) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ""));

/** A message content: mostly short, sometimes up to ~64 KiB (a repeated unicode piece). */
const content = fc.oneof(
  { weight: 4, arbitrary: text(80) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(text(16), fc.integer({ min: 1_000, max: 64 * 1024 }))
      .map(([piece, size]) =>
        `${piece}✓日本語🙂`.repeat(Math.ceil(size / (piece.length + 7))).slice(0, size),
      ),
  },
);

const segment = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const day = fc
  .integer({ min: 0, max: 3650 })
  .map((d) => new Date(Date.UTC(2020, 0, 1) + d * DAY).toISOString().slice(0, 10));
/** A session id following `{component}-{purpose}-{YYYY-MM-DD}` (valid under the strict policy). */
const sessionId = fc
  .tuple(fc.array(segment, { minLength: 1, maxLength: 3 }), segment, day)
  .map(([component, purpose, date]) => `${component.join("-")}-${purpose}-${date}`);
const tag = fc.stringMatching(/^[A-Za-z0-9][a-z0-9._:/-]{0,20}$/);
const tags = fc.uniqueArray(tag, { maxLength: 4, selector: (t) => t.toLowerCase() });

const message = fc.record({
  role: fc.constantFrom("user", "assistant", "system", "tool") as fc.Arbitrary<
    "user" | "assistant" | "system" | "tool"
  >,
  content: content.map((c) => `m ${c}`),
  idempotencyKey: fc.option(fc.stringMatching(/^[A-Za-z0-9._:-]{1,24}$/), { nil: undefined }),
});

const cacheEntry = fc.record({
  key: fc.stringMatching(/^[a-z][a-z0-9:._-]{0,20}$/),
  value: fc.dictionary(
    fc.stringMatching(/^[a-z]{1,6}$/),
    fc.oneof(text(20), fc.integer(), fc.boolean(), fc.constant(null)),
    { maxKeys: 4 },
  ),
  ttlMs: fc.option(fc.integer({ min: 1000, max: 30 * DAY }), { nil: undefined }),
});

const memory = fc.record({
  content: text(200).map((c) => `memory ${c}`),
  kind: fc.constantFrom("observation", "lesson", "decision", "pattern", "failure") as fc.Arbitrary<
    "observation" | "lesson" | "decision" | "pattern" | "failure"
  >,
  tags,
  importance: fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
  pinned: fc.boolean(),
  expiresAt: fc.option(
    fc.integer({ min: 1, max: 365 }).map((d) => new Date(T0 + d * DAY).toISOString()),
    {
      nil: undefined,
    },
  ),
  session: fc.option(fc.nat(), { nil: undefined }),
  update: fc.option(
    fc.record({
      importance: fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
      pinned: fc.boolean(),
      tags,
    }),
    { nil: undefined },
  ),
});

const sessionData = fc.record({
  title: fc.option(text(60), { nil: undefined }),
  tags,
  messages: fc.array(message, { maxLength: 6 }),
  cache: fc.uniqueArray(cacheEntry, { maxLength: 3, selector: (e) => e.key }),
});

const data = fc.record({
  sessions: fc.uniqueArray(fc.tuple(sessionId, sessionData), {
    minLength: 1,
    maxLength: 4,
    selector: ([id]) => id,
  }),
  memories: fc.array(memory, { maxLength: 6 }),
  groups: fc.uniqueArray(
    fc.tuple(fc.stringMatching(/^[a-z0-9]{1,8}(?:-[a-z0-9]{1,8})?$/), fc.array(fc.nat(), { maxLength: 4 })),
    { maxLength: 3, selector: ([id]) => id },
  ),
});
type Data = typeof data extends fc.Arbitrary<infer T> ? T : never;

let counter = 0;
const dirs: string[] = [];

/** Write the data through the store (and the groups straight to the backend, as the groups package does). */
async function populate(
  backend: MemoryBackend,
  clock: ManualClock,
  namespace: string,
  d: Data,
): Promise<void> {
  const store = createMemoryStore({ backend, clock, namespace });
  const ids = d.sessions.map(([id]) => id);
  for (const [id, s] of d.sessions) {
    await store.sessions.create({ id, tags: s.tags, ...(s.title ? { title: s.title } : {}) });
    const messages = s.messages.map((m, i) => {
      // Idempotency keys are unique within a session.
      const key = m.idempotencyKey === undefined ? undefined : `${m.idempotencyKey}.${i}`;
      return { role: m.role, content: m.content, ...(key ? { idempotencyKey: key } : {}) };
    });
    if (messages.length > 0) await store.messages.appendBatch({ sessionId: id, messages });
    for (const e of s.cache)
      await store.cache.set({
        sessionId: id,
        key: e.key,
        value: e.value,
        ...(e.ttlMs ? { ttlMs: e.ttlMs } : {}),
      });
  }
  for (const m of d.memories) {
    const created = await store.memories.create({
      content: m.content,
      kind: m.kind,
      tags: m.tags,
      importance: m.importance,
      pinned: m.pinned,
      ...(m.expiresAt ? { expiresAt: m.expiresAt } : {}),
      ...(m.session === undefined ? {} : { sessionId: ids[m.session % ids.length]! }),
    });
    if (m.update) await store.memories.update({ id: created.id, ...m.update });
  }
  const at = new Date(clock.now()).toISOString();
  for (const [id, members] of d.groups) {
    const group: SessionGroup = {
      id,
      description: "",
      tags: [],
      sessionIds: [...new Set(members.map((n) => ids[n % ids.length]!))],
      status: "active",
      metadata: {},
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    await backend.put(groupsScope(namespace), id, group);
  }
}

/** The bundle; its header's `createdAt` is always T0 (the only field that would tell the two exports apart). */
async function collect(backend: MemoryBackend, namespace: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportBundle({ backend, namespace, tool: "tta test", now: () => T0 }))
    lines.push(line);
  return lines;
}

/** Line for line, so a failure names the first line that differs. */
function expectSameLines(actual: readonly string[], expected: readonly string[]): void {
  for (let i = 0; i < Math.max(actual.length, expected.length); i++)
    expect(actual[i], `bundle line ${i + 1}`).toBe(expected[i]);
}

describe("bundle round trip across backends (property)", () => {
  let redis: RedisServerHandle | undefined;
  beforeAll(async () => {
    try {
      redis = await startRedisServer();
    } catch (e) {
      if (process.env.CI === "true") throw e;
    }
  }, 60_000);
  afterAll(async () => {
    await redis?.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  const targets: [string, (clock: ManualClock) => MemoryBackend][] = [
    [
      "redis",
      (clock) => {
        if (!redis) throw new Error("no redis-server");
        return createRedisBackend({ url: redis.url, clock, keyPrefix: `rt${++counter}` });
      },
    ],
    ["keyv", (clock) => createKeyvBackend({ keyv: new Keyv(), clock })],
  ];

  for (const [name, make] of targets) {
    it(`file → export → import into ${name} → export gives the same bundle`, async (ctx) => {
      if (name === "redis" && !redis) return ctx.skip("redis-server could not be started here");
      await fc.assert(
        fc.asyncProperty(data, fc.integer({ min: 0, max: 999 }), async (d, later) => {
          const clock = createManualClock(T0);
          const root = mkdtempSync(join(tmpdir(), "tta-rt-"));
          dirs.push(root);
          const source = createFileBackend({ root, clock });
          const target = make(clock);
          const namespace = `ns${++counter}`;
          try {
            await populate(source, clock, namespace, d);
            const lines = await collect(source, namespace);
            // Time passes between the export and the import (less than the shortest TTL): the import
            // writes each cache entry with the TTL left on the same clock, so its expiresAt is unchanged.
            clock.advance(later);
            const receipt = await importBundle(target, () => lines, { now: () => clock.now() });
            expect(receipt.namespace).toBe(namespace);
            expect(receipt.imported.sessions).toBe(d.sessions.length);
            expect(receipt.imported.messages).toBe(d.sessions.reduce((n, [, s]) => n + s.messages.length, 0));
            expect(receipt.imported.cache).toBe(d.sessions.reduce((n, [, s]) => n + s.cache.length, 0));
            expect(receipt.imported.memories).toBe(d.memories.length);
            expect(receipt.imported.groups).toBe(d.groups.length);
            expectSameLines(await collect(target, namespace), lines);
          } finally {
            await source.close();
            await target.close();
          }
        }),
        { numRuns: 8 },
      );
    }, 60_000);
  }
});
