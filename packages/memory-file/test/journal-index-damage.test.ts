import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { describe, expect, it } from "vitest";
import { createFileBackend } from "../src/index.js";
import {
  decodeJournalIndex,
  encodeJournalIndex,
  type IndexEntry,
} from "../src/journal/journal-index-format.js";
import { forgeLine, linesOf } from "./forge.js";
import {
  big,
  indexHolds,
  journalOf,
  pointAnswers,
  readBothWays,
  scope,
  seedJournal,
} from "./journal-index-fixture.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();
const keys = ["k0", "k3", "k250", "k499", "absent"];

async function seeded(): Promise<{ root: string; journal: string; index: string }> {
  const root = tempDir("tta-index-damage-");
  await seedJournal(root);
  const journal = journalOf(root);
  expect(indexHolds(root)).toBe(true);
  return { root, journal, index: `${journal}.idx` };
}

/** Reads equal a whole read, and a read of a fresh process (back to whole) leaves a usable index again. */
async function readsHoldAndIndexComesBack(root: string): Promise<unknown[]> {
  const { indexed, whole } = await readBothWays(root, keys);
  expect(indexed).toEqual(whole);
  expect(indexHolds(root)).toBe(true);
  expect(pointAnswers(root, keys)).toBe(keys.length);
  return indexed;
}

describe("a damaged or foreign index file", () => {
  const cases: [string, (index: string, other: string) => void][] = [
    ["torn", (index) => truncateSync(index, Math.floor(statSync(index).size / 2))],
    ["empty", (index) => writeFileSync(index, "")],
    ["garbage", (index) => writeFileSync(index, Buffer.alloc(70_000, 0x5a))],
    [
      "one byte flipped",
      (index) => {
        const buf = readFileSync(index);
        buf[buf.length >> 1]! ^= 0x01;
        writeFileSync(index, buf);
      },
    ],
    ["another journal's", (index, other) => copyFileSync(other, index)],
    [
      "a directory",
      (index) => {
        renameSync(index, `${index}.gone`);
        mkdirSync(index);
      },
    ],
  ];
  for (const [name, damage] of cases) {
    it(`is ignored and rebuilt when ${name}, never an error`, async () => {
      const { root, index } = await seeded();
      const other = await seeded();
      await createFileBackend({ root: other.root }).put(scope, "k3", { other: true });
      damage(index, other.index);
      expect(pointAnswers(root, keys)).toBe(0);
      if (name === "a directory") {
        // Nothing can be written over it: reads still hold, each fresh process reads the journal whole.
        const { indexed, whole } = await readBothWays(root, keys);
        expect(indexed).toEqual(whole);
        expect(indexed[1]).toMatchObject({ value: big(3) });
        return;
      }
      expect((await readsHoldAndIndexComesBack(root))[1]).toMatchObject({ value: big(3), version: 1 });
    });
  }

  it("is not trusted where an entry points to another record's line (valid checksum, right journal)", async () => {
    const { root, index } = await seeded();
    const idx = decodeJournalIndex(readFileSync(index))!;
    const lines = linesOf(journalOf(root));
    const at = (line: number) => lines.slice(0, line - 1).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    const entry = (line: number) => ({ pos: at(line), len: Buffer.byteLength(lines[line - 1]!) + 1, line });
    // Every record covered has its entry, but k3's names k4's line (line 5), and k250's a line beyond its own.
    const entries = Array.from(
      { length: idx.lines },
      (_, i) => [`k${i}`, entry(i + 1)] as [string, IndexEntry],
    );
    entries[3] = ["k3", entry(5)];
    entries[250] = ["k250", { pos: at(251) + 1, len: 20, line: 251 }];
    writeFileSync(index, encodeJournalIndex(idx, entries));
    expect(indexHolds(root)).toBe(true);
    expect(pointAnswers(root, ["k0"])).toBe(1);
    expect(pointAnswers(root, ["k3"])).toBe(0);
    expect(pointAnswers(root, ["k250"])).toBe(0);
    expect((await readsHoldAndIndexComesBack(root))[1]).toMatchObject({ value: big(3) });
  });
});

describe("a journal changed after its index was written", () => {
  it("appended to by another process: only the new lines are read, and they win", async () => {
    const { root } = await seeded();
    const other = createFileBackend({ root });
    await other.put(scope, "k3", { after: 1 });
    await other.delete(scope, "k250");
    await other.close();
    expect(pointAnswers(root, keys)).toBe(keys.length);
    const { indexed, whole } = await readBothWays(root, keys);
    expect(indexed).toEqual(whole);
    expect(indexed[1]).toMatchObject({ value: { after: 1 }, version: 2 });
    expect(indexed[2]).toBeNull();
  });

  it("compacted or replaced: the index names another file and is ignored", async () => {
    const { root, journal, index } = await seeded();
    const old = readFileSync(index);
    // Replaced by a copy with one record changed (a new file, as a restore from a backup).
    const text = readFileSync(journal, "utf8").split("\n");
    text[3] = forgeLine(`{"k":"k3","n":7,"e":null}\t${JSON.stringify({ restored: true })}`).slice(0, -1);
    writeFileSync(`${journal}.new`, text.join("\n"));
    renameSync(`${journal}.new`, journal);
    writeFileSync(index, old);
    expect(pointAnswers(root, keys)).toBe(0);
    expect((await readsHoldAndIndexComesBack(root))[1]).toMatchObject({
      value: { restored: true },
      version: 7,
    });
    // Compacted: most records overwritten, the file rewritten; the index of before is put back.
    const before = readFileSync(index);
    const w = createFileBackend({ root });
    for (let i = 0; i < 600; i++) await w.put(scope, `k${i % 400}`, big(-i, 2000));
    await w.close();
    expect(linesOf(journal).length).toBeLessThan(1000);
    writeFileSync(index, before);
    expect(pointAnswers(root, keys)).toBe(0);
    expect((await readsHoldAndIndexComesBack(root))[1]).toMatchObject({ value: big(-403, 2000) });
  });

  it("truncated, and truncated then grown again", async () => {
    const { root, journal } = await seeded();
    const size = statSync(journal).size;
    truncateSync(journal, Math.floor(size / 2));
    expect(pointAnswers(root, keys)).toBe(0);
    const { indexed, whole } = await readBothWays(root, keys);
    expect(indexed).toEqual(whole);
    const { root: r2, journal: j2, index: i2 } = await seeded();
    const covered = decodeJournalIndex(readFileSync(i2))!.covered;
    // Cut at line 200 and grown back with other lines, one ending exactly where the index ends (so
    // the lines after it read well), then more: only the sampled blocks can tell.
    const keep = `${linesOf(j2).slice(0, 200).join("\n")}\n`;
    const line = (i: number, pad: number) =>
      forgeLine(`{"k":"k${i}","n":9,"e":null}\t${JSON.stringify({ n: 1000 + i, pad: "r".repeat(pad) })}`);
    const filler: string[] = [];
    let at = Buffer.byteLength(keep);
    for (let i = 0; at < covered; i++) {
      const full = line(i, 3000);
      const last = covered - at < Buffer.byteLength(full) + 200;
      filler.push(last ? line(i, 3000 - (Buffer.byteLength(full) - (covered - at))) : full);
      at += Buffer.byteLength(filler.at(-1)!);
    }
    expect(at).toBe(covered);
    for (let i = 0; i < 200; i++) filler.push(line(500 + i, 3000));
    writeFileSync(j2, keep + filler.join(""));
    expect(pointAnswers(r2, keys)).toBe(0);
    const read = await readsHoldAndIndexComesBack(r2);
    expect(read[1]).toMatchObject({ value: { n: 1003 }, version: 9 });
  });

  it("edited in place: same size (another mtime), or grown by a line inserted in the middle", async () => {
    const { root, journal, index } = await seeded();
    // An index that covers the whole file (it records the file's mtime then).
    unlinkSync(index);
    await readBothWays(root, keys);
    expect(decodeJournalIndex(readFileSync(index))!.covered).toBe(statSync(journal).size);
    const text = readFileSync(journal, "utf8");
    const lines = text.split("\n");
    // The same length, a valid checksum: only the mtime tells.
    lines[3] = forgeLine(
      `{"k":"k3","n":1,"e":null}\t${JSON.stringify({ n: 3, pad: "q".repeat(3000) })}`,
    ).slice(0, -1);
    writeFileSync(journal, lines.join("\n"));
    expect(statSync(journal).size).toBe(Buffer.byteLength(text));
    expect(pointAnswers(root, keys)).toBe(0);
    expect((await readsHoldAndIndexComesBack(root))[1]).toMatchObject({ value: { pad: "q".repeat(3000) } });
    const { root: r2, journal: j2 } = await seeded();
    const grown = linesOf(j2);
    grown.splice(100, 0, forgeLine(`{"k":"k250","n":5,"e":null}\t{"inserted":1}`).slice(0, -1));
    writeFileSync(j2, `${grown.join("\n")}\n`);
    expect(pointAnswers(r2, keys)).toBe(0);
    const read = await readsHoldAndIndexComesBack(r2);
    expect(read[2]).toMatchObject({ value: big(250), version: 1 });
  });

  it("a bad line after the index, or a record's own line damaged: reads fail as a whole read does", async () => {
    const { root, journal } = await seeded();
    const other = createFileBackend({ root });
    await other.put(scope, "k499", { late: 1 });
    await other.close();
    // Damage the line of k3 (inside what the index covers) and append a bad line for k0.
    const buf = readFileSync(journal);
    const lines = linesOf(journal);
    const k3End = lines.slice(0, 4).reduce((n, l) => n + Buffer.byteLength(l) + 1, 0) - 2;
    buf[k3End] = buf[k3End] === 0x70 ? 0x71 : 0x70;
    writeFileSync(journal, Buffer.concat([buf, Buffer.from(`00000000{"k":"k0","n":2,"e":null}\t{}\n`)]));
    const { indexed, whole } = await readBothWays(root, keys);
    expect(indexed).toEqual(whole);
    expect(indexed.slice(0, 2)).toEqual([{ code: "BACKEND_CORRUPT" }, { code: "BACKEND_CORRUPT" }]);
    expect(indexed[3]).toMatchObject({ value: { late: 1 } });
  });
});

describe("when there is an index", () => {
  it("a small journal has none; removing the journal removes it; compacting to a small one drops it", async () => {
    const small = tempDir("tta-index-small-");
    await seedJournal(small, 50);
    expect(existsSync(`${journalOf(small)}.idx`)).toBe(false);
    const { root, journal, index } = await seeded();
    const b = createFileBackend({ root });
    for (let i = 0; i < 450; i++) await b.delete(scope, `k${i}`);
    expect(existsSync(journal)).toBe(true);
    expect(existsSync(index)).toBe(false);
    await b.clear(scope);
    expect(existsSync(journal)).toBe(false);
    await b.close();
  });
});
