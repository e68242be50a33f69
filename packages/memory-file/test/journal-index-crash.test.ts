import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnNode } from "@tta-dev/testkit/node";
import { describe, expect, it } from "vitest";
import { createFileBackend } from "../src/index.js";
import { putBody } from "../src/journal/journal-lines.js";
import { frameLine } from "../src/line-codec.js";
import { indexHolds, journalOf, pointAnswers, readBothWays, scope } from "./journal-index-fixture.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();
const worker = fileURLToPath(new URL("./workers/index-writer.ts", import.meta.url));
const COUNT = 40_000;
const keys = ["k0", "k1", "k999", `k${COUNT - 1}`, "absent"];

/** Start the index writer on `journal`, SIGKILL it `afterMs` after it is ready; resolves to its pid. */
async function killWhileWriting(journal: string, afterMs: number): Promise<number> {
  const writer = spawnNode([worker, journal]);
  await writer.waitFor(/./, { stream: "stdout" });
  setTimeout(() => writer.child.kill("SIGKILL"), afterMs);
  const { signal } = await writer.exited;
  if (signal !== "SIGKILL") throw new Error(`writer ended by itself (${signal}): ${writer.stderr()}`);
  return writer.child.pid!;
}

const temps = (journal: string) => readdirSync(dirname(journal)).filter((n) => n.includes(".idx.tmp-"));

describe("a process killed while writing a journal index", () => {
  it("leaves the old index or the new one (never a torn one in its place), and the next writer sweeps its temp file", async () => {
    const root = tempDir("tta-index-kill-");
    const journal = journalOf(root);
    mkdirSync(dirname(journal), { recursive: true });
    const lines = Array.from({ length: COUNT }, (_, i) => frameLine(putBody(`k${i}`, 1, null, `{"n":${i}}`)));
    writeFileSync(journal, lines.join(""));
    await readBothWays(root, keys); // a first index, by a process that read the journal whole
    expect(indexHolds(root)).toBe(true);
    let leftTemps = 0;
    let lastPid = 0;
    for (let round = 0; round < 20; round++) {
      lastPid = await killWhileWriting(journal, 5 + ((round * 13) % 60));
      leftTemps += temps(journal).length > 0 ? 1 : 0;
      // The index in place is a whole one: every read of a fresh process is a point read, and right.
      expect(indexHolds(root)).toBe(true);
      expect(pointAnswers(root, keys)).toBe(keys.length);
      const { indexed, whole } = await readBothWays(root, keys);
      expect(indexed).toEqual(whole);
      expect(indexed[2]).toMatchObject({ value: { n: 999 } });
    }
    // Where no kill landed inside a write, a temp file of the last (dead) writer stands for one.
    if (temps(journal).length === 0) writeFileSync(`${journal}.idx.tmp-${lastPid}-0123456789ab`, "torn");
    console.log(`index writer killed 20 times; ${leftTemps} left a temp file`);
    // The next index written (once enough lines were appended) removes the temp files of dead writers.
    const b = createFileBackend({ root });
    for (let i = 0; i < 1100; i++) await b.put(scope, `n${i}`, i);
    await b.close();
    expect(temps(journal)).toEqual([]);
    expect(indexHolds(root)).toBe(true);
  }, 120_000);
});
