import { appendFileSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { sessionsScope } from "@tta-dev/core";
import { expectCode, listAll } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { createFileBackend } from "../src/index.js";
import { deepJson, flipByte, forgeLine, linesOf } from "./forge.js";
import { runWorker } from "./spawn-worker.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();
const sessions = sessionsScope("default");
const memories = { namespace: "default", collection: "memories" };
const recFile = (root: string, collection: string) =>
  join(root, "ns", "default", "rec", `${collection}.jsonl`);
const keys = (page: { items: { key: string }[] }) => page.items.map((r) => r.key);

/** s1..s5 at version 1, then s3 again (version 2) as line 6, whose value gets a flipped byte. */
async function sessionsWithBadLatestLine() {
  const root = tempDir("tta-file-damage-");
  const backend = createFileBackend({ root });
  for (const id of ["s1", "s2", "s3", "s4", "s5"]) await backend.put(sessions, id, { id, n: 1 });
  await backend.put(sessions, "s3", { id: "s3", n: 2 });
  const file = recFile(root, "sessions");
  flipByte(file, 6);
  return { root, file, backend, bad: linesOf(file)[5]! };
}

describe("a bad line in a shared record journal costs only the records on it", () => {
  it("rec/sessions.jsonl with one bad line: every other session reads, lists and takes writes, in two instances and a child process", async () => {
    const { root, file, backend: before, bad } = await sessionsWithBadLatestLine();
    const after = createFileBackend({ root });
    for (const b of [before, after]) {
      // The damaged session never comes back as its older version 1.
      const e = await expectCode(b.get(sessions, "s3"), "BACKEND_CORRUPT");
      expect(e.details).toMatchObject({ file, line: 6, key: "s3" });
      expect((await b.get(sessions, "s1"))?.value).toEqual({ id: "s1", n: 1 });
      expect(keys(await b.list(sessions))).toEqual(["s1", "s2", "s4", "s5"]);
      const many = await expectCode(b.getMany(sessions, ["s1", "s3"]), "BACKEND_CORRUPT");
      expect(many.details).toMatchObject({ line: 6 });
    }
    expect((await before.put(sessions, "s1", { id: "s1", n: 2 }, { ifVersion: 1 })).version).toBe(2);
    await after.put(sessions, "s6", { id: "s6" }, { ifVersion: 0 });
    expect(await after.delete(sessions, "s2", { ifVersion: 1 })).toBe(true);
    // A conditional write cannot be checked against a version nobody can read.
    await expectCode(before.put(sessions, "s3", { id: "s3" }, { ifVersion: 1 }), "BACKEND_CORRUPT");
    await expectCode(before.delete(sessions, "s3", { ifVersion: 2 }), "BACKEND_CORRUPT");

    const { results } = await runWorker<{ results: unknown[] }>({
      mode: "records",
      root,
      namespace: "default",
      id: 0,
      count: 0,
      ops: [
        { op: "get", collection: "sessions", key: "s3" },
        { op: "get", collection: "sessions", key: "s1" },
        { op: "list", collection: "sessions" },
        { op: "put", collection: "sessions", key: "s7", value: { id: "s7" }, ifVersion: 0 },
        { op: "put", collection: "sessions", key: "s4", value: { id: "s4", n: 2 }, ifVersion: 1 },
      ],
    });
    expect(results).toEqual([
      { code: "BACKEND_CORRUPT", line: 6 },
      { value: { id: "s1", n: 2 }, version: 2 },
      { keys: ["s1", "s4", "s5", "s6"] },
      { value: { id: "s7" }, version: 1 },
      { value: { id: "s4", n: 2 }, version: 2 },
    ]);
    for (const b of [before, after]) {
      expect(keys(await b.list(sessions))).toEqual(["s1", "s4", "s5", "s6", "s7"]);
      expect((await b.get(sessions, "s4"))?.version).toBe(2);
    }
    // The bad line is still in the file, byte for byte.
    expect(linesOf(file)[5]).toBe(bad);
    await before.close();
    await after.close();
  }, 60_000);

  it("a later good line for the damaged key supersedes the bad one, with a version above any it had", async () => {
    const { root, file, backend, bad } = await sessionsWithBadLatestLine();
    const r = await backend.put(sessions, "s3", { id: "s3", n: 3 });
    expect(r.version).toBe(3);
    const other = createFileBackend({ root });
    expect(await other.get(sessions, "s3")).toMatchObject({ value: { id: "s3", n: 3 }, version: 3 });
    expect(keys(await other.list(sessions))).toEqual(["s1", "s2", "s3", "s4", "s5"]);
    expect(linesOf(file)[5]).toBe(bad);
    // So does a delete.
    await backend.put(sessions, "s9", 1);
    flipByte(file, 8);
    await expectCode(other.get(sessions, "s9"), "BACKEND_CORRUPT");
    expect(await other.delete(sessions, "s9")).toBe(true);
    expect(await backend.get(sessions, "s9")).toBeNull();
    await backend.close();
    await other.close();
  });

  it("memories.jsonl with bad lines: the other memories list and read, a line whose key is unreadable costs nothing else", async () => {
    const root = tempDir("tta-file-damage-");
    const backend = createFileBackend({ root });
    for (let i = 1; i <= 20; i++)
      await backend.put(memories, `m${String(i).padStart(2, "0")}`, { text: `memory ${i}` });
    const file = recFile(root, "memories");
    flipByte(file, 7); // m07's only line: its value
    flipByte(file, 12, 12); // m12's line, inside its key: the record cannot be recognised
    const other = createFileBackend({ root });
    const all = await listAll(other, memories);
    expect(all).toEqual(
      Array.from({ length: 20 }, (_, i) => `m${String(i + 1).padStart(2, "0")}`).filter(
        (k) => k !== "m07" && k !== "m12",
      ),
    );
    const e = await expectCode(other.get(memories, "m07"), "BACKEND_CORRUPT");
    expect(e.details).toMatchObject({ file, line: 7, key: "m07" });
    // An unrecognisable line cannot mark its record: that memory is simply not there.
    expect(await other.get(memories, "m12")).toBeNull();
    // Paging skips the damaged record without losing any other.
    const page1 = await other.list(memories, { limit: 6 });
    const page2 = await other.list(memories, { limit: 6, cursor: page1.nextCursor! });
    expect([...keys(page1), ...keys(page2)]).toEqual([
      "m01",
      "m02",
      "m03",
      "m04",
      "m05",
      "m06",
      "m08",
      "m09",
      "m10",
      "m11",
      "m13",
      "m14",
    ]);
    await other.put(memories, "m21", { text: "new" });
    expect((await backend.get(memories, "m21"))?.value).toEqual({ text: "new" });
    await backend.close();
    await other.close();
  });

  it("a forged line with a valid checksum but a value that is not JSON fails only its record, naming the line", async () => {
    const root = tempDir("tta-file-damage-");
    const backend = createFileBackend({ root });
    await backend.put(memories, "a", 1);
    const file = recFile(root, "memories");
    appendFileSync(file, forgeLine('{"k":"b","n":1,"e":null}\t{"not json'));
    await backend.put(memories, "c", 3);
    const other = createFileBackend({ root });
    expect(keys(await other.list(memories))).toEqual(["a", "c"]);
    const e = await expectCode(other.get(memories, "b"), "BACKEND_CORRUPT");
    expect(e.details).toMatchObject({ file, line: 2 });
    await backend.close();
    await other.close();
  });

  it("metadata nested 5 000 levels deep in a journal line reads as BACKEND_CORRUPT naming the file and line, never BACKEND_UNAVAILABLE", async () => {
    const root = tempDir("tta-file-damage-");
    const backend = createFileBackend({ root });
    await backend.put(sessions, "ok", { id: "ok" });
    const file = recFile(root, "sessions");
    appendFileSync(
      file,
      forgeLine(`{"k":"deep","n":1,"e":null}\t{"id":"deep","metadata":${deepJson(5000)}}`),
    );
    const other = createFileBackend({ root });
    const e = await expectCode(other.get(sessions, "deep"), "BACKEND_CORRUPT");
    expect(e.details).toMatchObject({ file, line: 2, key: "deep" });
    expect(e.details.reason).toMatch(/nested more than 1000 levels/);
    expect(keys(await other.list(sessions))).toEqual(["ok"]);
    // Writing such a value is refused up front.
    await expectCode(other.put(sessions, "deeper", JSON.parse(deepJson(5000))), "VALIDATION_FAILED");
    await expectCode(other.put(sessions, "deeper", JSON.parse(deepJson(1500))), "VALIDATION_FAILED");
    expect((await other.put(sessions, "fine", JSON.parse(deepJson(900)))).version).toBe(1);
    await backend.close();
    await other.close();
  });

  it("compaction never drops a bad line: a journal holding one is not rewritten, and deletes and clear keep the line", async () => {
    const root = tempDir("tta-file-damage-");
    const backend = createFileBackend({ root });
    const control = { namespace: "default", collection: "control" };
    const damaged = { namespace: "default", collection: "damaged" };
    for (const scope of [control, damaged]) await backend.put(scope, "keep", { v: 0 });
    flipByte(recFile(root, "damaged"), 1);
    const bad = linesOf(recFile(root, "damaged"))[0]!;
    for (let i = 1; i <= 400; i++) {
      for (const scope of [control, damaged]) await backend.put(scope, "hot", { i });
    }
    // Without the bad line the journal was rewritten to its one live line; with it, nothing was dropped.
    expect(linesOf(recFile(root, "control")).length).toBeLessThan(300);
    expect(linesOf(recFile(root, "damaged"))).toHaveLength(401);
    expect(linesOf(recFile(root, "damaged"))[0]).toBe(bad);
    const ino = statSync(recFile(root, "damaged")).ino;
    // Deleting every readable record keeps the file (and the line); so does clear.
    expect(await backend.delete(damaged, "hot")).toBe(true);
    expect(linesOf(recFile(root, "damaged"))[0]).toBe(bad);
    await backend.put(damaged, "x", 1);
    expect(await backend.clear(damaged)).toBe(1);
    expect(linesOf(recFile(root, "damaged"))[0]).toBe(bad);
    expect(statSync(recFile(root, "damaged")).ino).toBe(ino);
    const other = createFileBackend({ root });
    expect(await listAll(other, damaged)).toEqual([]);
    expect(await other.get(damaged, "keep")).toBeNull();
    await backend.close();
    await other.close();
  });

  it("a torn last line is a write in progress: not corrupt, not reported by inspect", async () => {
    const root = tempDir("tta-file-damage-");
    const backend = createFileBackend({ root });
    await backend.put(sessions, "a", 1);
    appendFileSync(recFile(root, "sessions"), forgeLine('{"k":"b","n":1,"e":null}\t2').slice(0, 20));
    const other = createFileBackend({ root });
    expect(keys(await other.list(sessions))).toEqual(["a"]);
    expect(await other.get(sessions, "b")).toBeNull();
    expect((await other.inspect()).problems).toEqual([]);
    expect(readFileSync(recFile(root, "sessions"), "utf8")).toContain('"k":"b"');
    await backend.close();
    await other.close();
  });
});
