/**
 * A journal bigger than 1 MiB is loaded with its values kept as bytes and decoded when read. These
 * tests make such journals by hand (several read chunks of 8 MiB, superseded records, non-ASCII text,
 * keys with escapes, damaged lines) and check that every value reads as it was written, also after the
 * journal was compacted, replaced or removed, and that damage is reported exactly as for small files.
 */
import { mkdirSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expectCode } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { createFileBackend } from "../src/index.js";
import { deepJson, forgeLine } from "./forge.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();
const memories = { namespace: "default", collection: "memories" };
const recFile = (root: string) => join(root, "ns", "default", "rec", "memories.jsonl");

/** Keys of every kind the fast path tells apart: plain, needing escapes in the file, non-ASCII. */
const keyOf = (i: number) => (i % 3 === 0 ? `mem_${i}` : i % 3 === 1 ? `q"uo\\te ${i}\t` : `clé-ü-${i}-😀`);

/** A value of about 1.2 KiB, with text outside ASCII, that says which record and version it is. */
const memoryValue = (i: number, v: number) => ({
  id: i,
  v,
  text: `ünïcødé ✓ 😀 ${i}/${v} ${"a lesson learned while debugging the cache ".repeat(26)}`,
});

const putLine = (key: string, n: number, value: string) =>
  forgeLine(`{"k":${JSON.stringify(key)},"n":${n},"e":null}\t${value}`);

function writeJournal(root: string, lines: string[]): string {
  const file = recFile(root);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.join(""));
  return file;
}

async function listValues(backend: ReturnType<typeof createFileBackend>): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  let cursor: string | null = null;
  do {
    const page = await backend.list(memories, { limit: 1000, ...(cursor ? { cursor } : {}) });
    for (const r of page.items) out.set(r.key, r.value);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

describe("values of a big journal, decoded when read", () => {
  it("read back exactly across chunks, and a bad value is reported as in a small journal", async () => {
    const root = tempDir("tta-file-lazy-");
    const count = 9000;
    const lines: string[] = [];
    for (let i = 0; i < count; i++) lines.push(putLine(keyOf(i), 1, JSON.stringify(memoryValue(i, 1))));
    // Line 5001: a valid checksum on a value that is not JSON; 6001: nested too deep; 6002: exactly
    // as deep as allowed (1 000 levels, several KiB long).
    lines.splice(5000, 0, putLine("broken", 1, '{"not json'));
    lines.splice(6000, 0, putLine("deep", 1, deepJson(1001)), putLine("deep-ok", 1, deepJson(1000)));
    const file = writeJournal(root, lines);
    expect(statSync(file).size).toBeGreaterThan(9 << 20);

    const backend = createFileBackend({ root });
    for (let i = 0; i < count; i += 7) {
      expect(await backend.get(memories, keyOf(i))).toEqual({
        key: keyOf(i),
        value: memoryValue(i, 1),
        version: 1,
        expiresAt: null,
      });
    }
    expect((await backend.get(memories, "deep-ok"))?.value).toEqual(JSON.parse(deepJson(1000)));
    const deep = await expectCode(backend.get(memories, "deep"), "BACKEND_CORRUPT");
    expect(deep.details).toMatchObject({ file, line: 6001, key: "deep" });
    expect(deep.details.reason).toMatch(/nested more than 1000 levels/);
    const broken = await expectCode(backend.get(memories, "broken"), "BACKEND_CORRUPT");
    expect(broken.details).toMatchObject({ file, line: 5001, key: "broken" });
    expect(broken.details.reason).toMatch(/value is not JSON/);
    await expectCode(backend.getMany(memories, [keyOf(0), "broken"]), "BACKEND_CORRUPT");

    // A fresh instance that lists first skips the broken record, then reports it on get.
    const other = createFileBackend({ root });
    const all = await listValues(other);
    expect(all.size).toBe(count + 1);
    expect(all.has("broken")).toBe(false);
    for (let i = 0; i < count; i++) expect(all.get(keyOf(i))).toEqual(memoryValue(i, 1));
    await expectCode(other.get(memories, "broken"), "BACKEND_CORRUPT");

    const { problems } = await other.inspect();
    expect(problems.map((p) => [p.line, p.kind])).toEqual([
      [5001, "corrupt-line"],
      [6001, "corrupt-line"],
    ]);
    await backend.close();
    await other.close();
  }, 60_000);

  it("stay right when the journal is compacted, replaced and removed under them", async () => {
    const root = tempDir("tta-file-lazy-");
    const count = 3000;
    const lines: string[] = [];
    // Three versions of each record, oldest first: most of the first chunk is superseded.
    for (let v = 1; v <= 3; v++) {
      for (let i = 0; i < count; i++) lines.push(putLine(keyOf(i), v, JSON.stringify(memoryValue(i, v))));
    }
    const file = writeJournal(root, lines);
    const before = statSync(file);

    const a = createFileBackend({ root });
    expect((await a.get(memories, keyOf(1)))?.value).toEqual(memoryValue(1, 3));
    // One write: two thirds of the lines are garbage, so the journal is rewritten.
    await a.put(memories, keyOf(0), memoryValue(0, 4));
    const after = statSync(file);
    expect(after.ino).not.toBe(before.ino);
    expect(after.size).toBeLessThan(before.size / 2);
    for (let i = 0; i < count; i++) {
      expect(await a.get(memories, keyOf(i))).toMatchObject({
        value: memoryValue(i, i === 0 ? 4 : 3),
        version: i === 0 ? 4 : 3,
      });
    }
    const listed = await listValues(a);
    for (let i = 0; i < count; i++) expect(listed.get(keyOf(i))).toEqual(memoryValue(i, i === 0 ? 4 : 3));

    // Another instance reads the rewritten file and writes; the first follows.
    const b = createFileBackend({ root });
    expect((await b.get(memories, keyOf(2)))?.value).toEqual(memoryValue(2, 3));
    await b.put(memories, keyOf(2), memoryValue(2, 9), { ifVersion: 3 });
    expect((await a.get(memories, keyOf(2)))?.value).toEqual(memoryValue(2, 9));
    expect((await a.get(memories, keyOf(5)))?.value).toEqual(memoryValue(5, 3));

    // The file replaced by another journal (the old one unlinked): only the new records read.
    const other: string[] = [];
    for (let i = 0; i < count; i++) other.push(putLine(`new-${i}`, 1, JSON.stringify(memoryValue(i, 7))));
    writeFileSync(`${file}.next`, other.join(""));
    renameSync(`${file}.next`, file);
    expect(await a.get(memories, keyOf(5))).toBeNull();
    expect((await a.get(memories, "new-5"))?.value).toEqual(memoryValue(5, 7));
    expect((await b.get(memories, `new-${count - 1}`))?.value).toEqual(memoryValue(count - 1, 7));

    unlinkSync(file);
    expect(await a.get(memories, "new-5")).toBeNull();
    expect((await a.list(memories)).items).toEqual([]);
    await a.close();
    await b.close();
  }, 60_000);
});
