import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import {
  createManualClock,
  groupsScope,
  type ManualClock,
  type MemoryBackend,
  memoriesScope,
  memoryChangesScope,
  messagesScope,
  type SessionGroup,
  sessionsScope,
} from "@tta-dev/core";
import {
  type BundleEntity,
  createBundleWriter,
  createMemoryStore,
  exportBundle,
  type ImportOptions,
  importBundle,
  MAX_BUNDLE_LINE_BYTES,
} from "@tta-dev/memory";
import { createFileBackend } from "@tta-dev/memory-file";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { spawnNode } from "@tta-dev/testkit/node";
import { afterEach, describe, expect, it } from "vitest";

/*
 * importBundle (packages/memory) against the real file backend, here because the memory package
 * cannot depend on a backend that depends on it.
 */

const T0 = "2026-11-25T12:00:00.000Z";
let counter = 0;

/** A fresh namespace on a fresh in-memory backend, with a manual clock. */
function setup() {
  const clock = createManualClock(T0);
  const backend = createInMemoryBackend({ clock });
  const namespace = `t${++counter}`;
  return { clock, backend, namespace, store: createMemoryStore({ backend, clock, namespace }) };
}

/** Expect a promise to fail with a tta error of this code; returns the error. */
async function expectCode(
  promise: Promise<unknown>,
  code: string,
): Promise<{ details: Record<string, unknown>; message: string }> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but it resolved`);
    },
    (e: unknown) => e,
  );
  expect(error).toMatchObject({ code });
  return error as { details: Record<string, unknown>; message: string };
}

const A = "cache-feature-2026-11-25";
const B = "billing-fix-2026-11-25";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tta-import-"));
  dirs.push(dir);
  return dir;
}

/** A fresh file-backend store, on the given clock. */
function fileStore(clock: ManualClock, root = tempDir()) {
  return { root, backend: createFileBackend({ root, clock }) };
}

/** The bundle of a store with two sessions, messages, cache, memories (one at version 2) and a group. */
async function sourceBundle(): Promise<{ lines: string[]; namespace: string; clock: ManualClock }> {
  const { store, clock, backend, namespace } = setup();
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
  await store.cache.set({ sessionId: A, key: "plan", value: { steps: [1, 2] }, ttlMs: 3_600_000 });
  const lesson = await store.memories.create({
    content: "Redis hashes beat keys",
    kind: "lesson",
    sessionId: A,
  });
  await store.memories.update({ id: lesson.id, importance: 0.9 });
  await store.memories.create({ content: "Round half to even", sessionId: B });
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
  return { lines: await collect(backend, namespace), namespace, clock };
}

async function collect(backend: MemoryBackend, namespace: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of exportBundle({ backend, namespace, tool: "tta test", now: () => 0 }))
    lines.push(line);
  return lines;
}

const lineSource = (lines: readonly string[]) => () => lines;

async function isEmpty(backend: MemoryBackend, namespace: string): Promise<boolean> {
  const [sessions, memories, groups] = await Promise.all([
    backend.list(sessionsScope(namespace)),
    backend.list(memoriesScope(namespace)),
    backend.list(groupsScope(namespace)),
  ]);
  const logs = await Promise.all([
    backend.logLength(messagesScope(namespace, A)),
    backend.logLength(messagesScope(namespace, B)),
    backend.logLength(memoryChangesScope(namespace)),
  ]);
  return [sessions, memories, groups].every((p) => p.items.length === 0) && logs.every((n) => n === 0);
}

const ALL = { sessions: 2, messages: 3, cache: 1, memories: 2, groups: 1, pafs: 0 };
const NONE = { sessions: 0, messages: 0, cache: 0, memories: 0, groups: 0, pafs: 0 };

describe("importBundle", () => {
  it("round trip: export → import into a fresh file store → export gives the same bundle; a second import changes nothing", async () => {
    const { lines, namespace, clock } = await sourceBundle();
    const { backend } = fileStore(clock);
    const options: ImportOptions = { now: () => clock.now() };
    const first = await importBundle(backend, lineSource(lines), options);
    expect(first).toEqual({ namespace, imported: ALL, skipped: NONE, dryRun: false });
    expect(await collect(backend, namespace)).toEqual(lines);
    const changes = await backend.logLength(memoryChangesScope(namespace));
    const second = await importBundle(backend, lineSource(lines), options);
    expect(second).toEqual({ namespace, imported: NONE, skipped: ALL, dryRun: false });
    expect(await collect(backend, namespace)).toEqual(lines);
    expect(await backend.logLength(memoryChangesScope(namespace))).toBe(changes);
    // The store reads what was imported.
    const store = createMemoryStore({ backend, clock, namespace });
    expect((await store.messages.list({ sessionId: A })).items.map((m) => m.idempotencyKey)).toEqual([
      "p1",
      undefined,
    ]);
    expect(await store.memories.search({ query: "redis hashes" })).toHaveLength(1);
    await backend.close();
  });

  it("reads a file path, gzip (in chunks of any size), and into another namespace", async () => {
    const { lines, clock } = await sourceBundle();
    const gz = gzipSync(lines.join(""));
    const chunks = Array.from({ length: Math.ceil(gz.length / 7) }, (_, i) => gz.subarray(i * 7, i * 7 + 7));
    const { backend } = fileStore(clock);
    const receipt = await importBundle(backend, () => chunks, { namespace: "other", now: () => clock.now() });
    expect(receipt).toMatchObject({ namespace: "other", imported: ALL });
    const file = join(tempDir(), "bundle.ndjson.gz");
    writeFileSync(file, gz);
    const again = await importBundle(backend, file, { namespace: "other", now: () => clock.now() });
    expect(again).toMatchObject({ imported: NONE, skipped: ALL });
    const plain = join(tempDir(), "bundle.ndjson");
    writeFileSync(plain, lines.join(""));
    const third = fileStore(clock);
    expect(await importBundle(third.backend, plain, { now: () => clock.now() })).toMatchObject({
      imported: ALL,
    });
    await expectCode(
      importBundle(backend, () => [gz.subarray(0, gz.length - 20)]),
      "VALIDATION_FAILED",
    );
    await expectCode(importBundle(backend, join(tempDir(), "missing.ndjson")), "VALIDATION_FAILED");
    await backend.close();
    await third.backend.close();
  });

  it("refuses a bad bundle with its typed error naming the line, and writes nothing", async () => {
    const { lines, namespace, clock } = await sourceBundle();
    const n = lines.length;
    const message = lines.findIndex((l) => l.includes('"type":"message"'));
    const cases: [string, string[], string, number][] = [
      ["truncated", lines.slice(0, -1), "VALIDATION_FAILED", n],
      ["cut inside a line", [...lines.slice(0, -1), lines.at(-1)!.slice(0, 30)], "VALIDATION_FAILED", n],
      [
        "bad checksum",
        lines.map((l, i) => (i === message ? l.replace("invoice", "Invoice") : l)),
        "VALIDATION_FAILED",
        n,
      ],
      [
        "other version",
        [lines[0]!.replace('"version":1', '"version":2'), ...lines.slice(1)],
        "VALIDATION_FAILED",
        1,
      ],
      [
        "__proto__ key",
        lines.map((l, i) =>
          i === message ? l.replace('{"type":"message",', '{"type":"message","__proto__":{"x":1},') : l,
        ),
        "VALIDATION_FAILED",
        message + 1,
      ],
      [
        "oversized line",
        [...lines.slice(0, message), `{"type":"message","pad":"${"x".repeat(MAX_BUNDLE_LINE_BYTES)}"}\n`],
        "LIMIT_EXCEEDED",
        message + 1,
      ],
      ["unsafe session id", lines.map((l) => l.replaceAll(B, "../escape")), "VALIDATION_FAILED", 2],
    ];
    for (const [what, bad, code, line] of cases) {
      const { backend } = fileStore(clock);
      const error = await expectCode(
        importBundle(backend, lineSource(bad), { now: () => clock.now() }).catch((e) => {
          throw e;
        }),
        code,
      ).catch((e) => {
        throw new Error(`${what}: ${e}`);
      });
      expect({ what, line: error.details.line }).toEqual({ what, line });
      expect({ what, empty: await isEmpty(backend, namespace) }).toEqual({ what, empty: true });
      await backend.close();
    }
  });

  it("refuses a well-formed bundle whose ids, sessions or seqs cannot be written as they are, and writes nothing", async () => {
    const { lines, namespace, clock } = await sourceBundle();
    /** The bundle with its entities edited (null drops one), with counts and checksum that hold. */
    const rebuilt = (edit: (e: BundleEntity) => BundleEntity | null) => {
      const writer = createBundleWriter();
      const header = JSON.parse(lines[0]!);
      const out = [
        writer.header({ tool: header.tool, namespace: header.namespace, createdAt: header.createdAt }),
      ];
      for (const l of lines.slice(1, -1)) {
        const e = edit(JSON.parse(l) as BundleEntity);
        if (e) out.push(writer.entity(e));
      }
      out.push(writer.trailer());
      return out;
    };
    const lineOf = (bundle: string[], text: string) => bundle.findIndex((l) => l.includes(text)) + 1;
    const gap = rebuilt((e) =>
      e.type === "message" && e.message.sessionId === A && e.message.seq === 1 ? null : e,
    );
    const protoKey = rebuilt((e) =>
      e.type === "cache" ? { ...e, entry: { ...e.entry, key: "__proto__" } } : e,
    );
    const stranger = rebuilt((e) =>
      e.type === "message" && e.message.sessionId === B
        ? { ...e, message: { ...e.message, sessionId: "not-here-2026-11-25" } }
        : e,
    );
    const cases: [string, string[], number][] = [
      ["a gap in the seqs", gap, lineOf(gap, "One hash per user")],
      ["a __proto__ cache key", protoKey, lineOf(protoKey, '"type":"cache"')],
      ["a message of a session not in the bundle", stranger, lineOf(stranger, "not-here-2026-11-25")],
    ];
    for (const [what, bad, line] of cases) {
      const { backend } = fileStore(clock);
      const error = await expectCode(
        importBundle(backend, lineSource(bad), { now: () => clock.now() }),
        "VALIDATION_FAILED",
      );
      expect({ what, line: error.details.line }).toEqual({ what, line });
      expect({ what, empty: await isEmpty(backend, namespace) }).toEqual({ what, empty: true });
      await backend.close();
    }
  });

  it("streams the bundle twice, from a fresh source each time: once to check, once to write", async () => {
    const { lines, namespace, clock } = await sourceBundle();
    let opens = 0;
    async function* stream() {
      opens++;
      for (const line of lines) yield Buffer.from(line);
    }
    const { backend } = fileStore(clock);
    await importBundle(backend, stream, { dryRun: true, now: () => clock.now() });
    expect(opens).toBe(1);
    await importBundle(backend, stream, { now: () => clock.now() });
    expect(opens).toBe(3);
    // A one-shot stream given twice: the second pass finds no header, and writes nothing.
    const once = stream();
    const fresh = fileStore(clock);
    await expectCode(
      importBundle(fresh.backend, () => once),
      "VALIDATION_FAILED",
    );
    expect(await isEmpty(fresh.backend, namespace)).toBe(true);
    await backend.close();
    await fresh.backend.close();
  });

  it("dry run: checks and counts, writes nothing", async () => {
    const { lines, namespace, clock } = await sourceBundle();
    const { backend } = fileStore(clock);
    const dry = await importBundle(backend, lineSource(lines), { dryRun: true, now: () => clock.now() });
    expect(dry).toEqual({ namespace, imported: ALL, skipped: NONE, dryRun: true });
    expect(await isEmpty(backend, namespace)).toBe(true);
    await expectCode(
      importBundle(backend, lineSource(lines.slice(0, -1)), { dryRun: true }),
      "VALIDATION_FAILED",
    );
    await importBundle(backend, lineSource(lines), { now: () => clock.now() });
    expect(await importBundle(backend, lineSource(lines), { dryRun: true, now: () => clock.now() })).toEqual({
      namespace,
      imported: NONE,
      skipped: ALL,
      dryRun: true,
    });
    await backend.close();
  });

  it("onConflict: skip keeps the target's, fail refuses before writing, overwrite writes the bundle's", async () => {
    const { lines, namespace, clock } = await sourceBundle();
    const { backend } = fileStore(clock);
    const options = { now: () => clock.now() };
    await importBundle(backend, lineSource(lines), options);
    const scope = sessionsScope(namespace);
    const before = (await backend.get(scope, A))!;
    await backend.put(scope, A, { ...(before.value as object), title: "Changed here" });
    await backend.delete(groupsScope(namespace), "cache-work");
    const title = async () => ((await backend.get(scope, A))!.value as { title: string }).title;

    await expectCode(
      importBundle(backend, lineSource(lines), { ...options, onConflict: "fail" }),
      "ALREADY_EXISTS",
    );
    expect(await title()).toBe("Changed here");
    expect(await backend.get(groupsScope(namespace), "cache-work")).toBeNull(); // nothing written

    const skip = await importBundle(backend, lineSource(lines), { ...options, onConflict: "skip" });
    expect(skip.imported).toEqual({ ...NONE, groups: 1 });
    expect(skip.skipped).toEqual({ ...ALL, groups: 0 });
    expect(await title()).toBe("Changed here");

    const overwrite = await importBundle(backend, lineSource(lines), { ...options, onConflict: "overwrite" });
    expect(overwrite.imported).toEqual({ ...NONE, sessions: 1 });
    expect(await title()).toBe("Cache");
    expect((await backend.get(scope, A))!.version).toBe(3);

    // A log is append-only: another message at a seq the bundle holds is skipped or refused.
    const fresh = fileStore(clock);
    await fresh.backend.append(messagesScope(namespace, B), [
      { value: { role: "user", content: "mine", metadata: {}, createdAt: T0 } },
    ]);
    await expectCode(
      importBundle(fresh.backend, lineSource(lines), { ...options, onConflict: "overwrite" }),
      "ALREADY_EXISTS",
    );
    expect((await fresh.backend.list(sessionsScope(namespace))).items).toEqual([]);
    const kept = await importBundle(fresh.backend, lineSource(lines), options);
    expect(kept.skipped).toEqual({ ...NONE, messages: 1 });
    expect(kept.imported).toEqual({ ...ALL, messages: 2 });
    await backend.close();
    await fresh.backend.close();
  });
});

describe("importBundle killed mid-import", () => {
  const worker = fileURLToPath(new URL("./workers/import-worker.ts", import.meta.url));
  const SESSIONS = 12;
  const PER_SESSION = 250;
  const MEMORIES = 120;

  async function bigBundle() {
    const { store, backend, namespace, clock } = setup();
    const ids = Array.from({ length: SESSIONS }, (_, i) => `crash-s${String(i).padStart(2, "0")}-2026-11-25`);
    for (const id of ids) {
      await store.sessions.create({ id });
      await store.messages.appendBatch({
        sessionId: id,
        // Half of them without an idempotency key: only the seqs keep those from being appended twice.
        messages: Array.from({ length: PER_SESSION }, (_, j) => ({
          content: `${id} message ${j}`,
          ...(j % 2 ? { idempotencyKey: `k${j}` } : {}),
        })),
      });
    }
    for (let i = 0; i < MEMORIES; i++) {
      const m = await store.memories.create({ content: `lesson number ${i}`, sessionId: ids[i % SESSIONS]! });
      await store.memories.update({ id: m.id, importance: 0.5 });
    }
    const lines = await collect(backend, namespace);
    const file = join(tempDir(), "big.ndjson");
    writeFileSync(file, lines.join(""));
    return { ids, lines, file, namespace, clock };
  }

  it("a re-run completes an import killed by SIGKILL: exact counts, no message twice", async () => {
    const { ids, lines, file, namespace, clock } = await bigBundle();
    const counts = {
      sessions: SESSIONS,
      messages: SESSIONS * PER_SESSION,
      cache: 0,
      memories: MEMORIES,
      groups: 0,
      pafs: 0,
    };
    // Where the kill lands: among the session writes, in the messages of a middle session, among the memories.
    const triggers: ((b: MemoryBackend) => Promise<boolean>)[] = [
      async (b) => (await b.list(sessionsScope(namespace))).items.length >= 3,
      async (b) => (await b.logLength(messagesScope(namespace, ids[SESSIONS / 2]!))) > 0,
      async (b) => (await b.list(memoriesScope(namespace))).items.length >= 3,
    ];
    for (const [round, trigger] of triggers.entries()) {
      const root = tempDir();
      const watcher = createFileBackend({ root, clock });
      const child = spawnNode([worker, JSON.stringify({ root, file, now: clock.now() })]);
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.child.on("exit", (_, s) => resolve(s)),
      );
      let done = false;
      void exited.then(() => {
        done = true;
      });
      while (!done && !(await trigger(watcher))) await new Promise((r) => setTimeout(r, 2));
      child.child.kill("SIGKILL");
      expect({ round, signal: await exited, out: child.stdout() }).toMatchObject({
        round,
        signal: "SIGKILL",
      });
      await watcher.close();

      const backend = createFileBackend({ root, clock });
      const rerun = await importBundle(backend, file, { now: () => clock.now() });
      const total = Object.fromEntries(
        Object.keys(counts).map((k) => [
          k,
          rerun.imported[k as keyof typeof counts] + rerun.skipped[k as keyof typeof counts],
        ]),
      );
      expect({ round, total }).toEqual({ round, total: counts });
      // It was killed part way: some of it was written, some was left to write.
      expect({ round, some: rerun.skipped.sessions + rerun.skipped.messages > 0 }).toEqual({
        round,
        some: true,
      });
      expect({ round, left: Object.values(rerun.imported).some((n) => n > 0) }).toEqual({
        round,
        left: true,
      });
      for (const id of ids) {
        const log = await backend.readLog(messagesScope(namespace, id), { limit: 10_000 });
        const contents = log.map((e) => (e.value as { content: string }).content);
        expect(new Set(contents).size).toBe(PER_SESSION);
        expect(log.map((e) => e.seq)).toEqual(Array.from({ length: PER_SESSION }, (_, i) => i + 1));
      }
      expect(await collect(backend, namespace)).toEqual(lines);
      const third = await importBundle(backend, file, { now: () => clock.now() });
      expect(third.imported).toEqual(NONE);
      await backend.close();
    }
  }, 120_000);
});
