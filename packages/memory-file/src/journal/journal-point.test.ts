import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  indexHolds,
  journalOf,
  pointAnswers,
  readBothWays,
  seedJournal,
} from "../../test/journal-index-fixture.js";
import { useTempDirs } from "../../test/temp-dirs.js";

const tempDir = useTempDirs();
const keys = ["k0", "k1", "k250", "k499", "k500", "absent"];

describe("point reads through the journal index", () => {
  it("answers a fresh process's reads from the index, as reading the journal whole does", async () => {
    const root = tempDir("tta-point-");
    await seedJournal(root);
    expect(existsSync(`${journalOf(root)}.idx`)).toBe(true);
    expect(indexHolds(root)).toBe(true);
    expect(pointAnswers(root, keys)).toBe(keys.length);
    const { indexed, whole } = await readBothWays(root, keys);
    expect(indexed).toEqual(whole);
    expect(indexed[2]).toMatchObject({ value: { n: 250 }, version: 1 });
    expect(indexed[4]).toBeNull();
    expect(readFileSync(journalOf(root)).length).toBeGreaterThan(1 << 20);
  });
});
