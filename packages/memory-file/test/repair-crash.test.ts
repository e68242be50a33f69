import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { listAll } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { createFileBackend } from "../src/index.js";
import { forgeLine } from "./forge.js";
import { startWorker } from "./spawn-worker.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();
const memories = { namespace: "default", collection: "memories" };

/** Original bytes of each piece in a side file. */
function sidePieces(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => l.slice(l.indexOf("\t") + 1));
}

describe("repair under SIGKILL", () => {
  it("a repair killed at any moment leaves every bad line in the journal or in the side file, every good line in place, and the next repair finishes", async () => {
    const root = tempDir("tta-file-repair-kill-");
    const file = join(root, "ns", "default", "rec", "memories.jsonl");
    mkdirSync(dirname(file), { recursive: true });
    // About 40 MB, so that a repair takes long enough to be killed inside: 20 000 records, 5 bad lines.
    const pad = "p".repeat(2000);
    const good: string[] = [];
    const lines: string[] = [];
    const bad: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const line = forgeLine(`{"k":"m${i}","n":${1 + (i % 3)},"e":null}\t{"i":${i},"pad":"${pad}"}`).slice(
        0,
        -1,
      );
      good.push(line);
      lines.push(line);
      if (i % 4000 === 2000) {
        const broken = `${line.slice(0, -3)}XX}`; // same key, checksum no longer holds
        bad.push(broken);
        lines.push(broken);
      }
    }
    const damaged = `${lines.join("\n")}\n`;
    // Where the kill landed: before the side file was written, between it and the replaced journal, after.
    const outcomes = { journalOnly: 0, both: 0, sideOnly: 0 };
    let took = 1000;
    for (let round = 0; round < 10; round++) {
      writeFileSync(file, damaged);
      rmSync(`${file}.corrupt`, { force: true });
      const child = startWorker({ mode: "repair", root, namespace: "default", id: round, count: 0 });
      let out = "";
      let started = 0;
      // The first round runs to the end and times the repair; the others are killed somewhere inside it.
      const delay = round === 0 ? null : Math.floor(Math.random() * took * 1.1);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (started === 0 && out.startsWith("start\n")) {
          started = Date.now();
          if (delay !== null) setTimeout(() => child.kill("SIGKILL"), delay);
        }
      });
      await new Promise((resolve) => child.on("exit", resolve));
      if (round === 0) took = Date.now() - started;
      const journal = readFileSync(file, "utf8").split("\n").filter(Boolean);
      const side = sidePieces(`${file}.corrupt`);
      // Every good line is in the journal, in order; no bad line is in neither place.
      expect(journal.filter((l) => !bad.includes(l))).toEqual(good);
      for (const b of bad) expect(journal.includes(b) || side.includes(b)).toBe(true);
      const inJournal = bad.some((b) => journal.includes(b));
      const inSide = bad.some((b) => side.includes(b));
      if (inJournal && inSide) outcomes.both++;
      else if (inSide) outcomes.sideOnly++;
      else outcomes.journalOnly++;
      // The next repair (no cleanup by hand) finishes the job.
      const backend = createFileBackend({ root });
      await backend.repair();
      expect(readFileSync(file, "utf8")).toBe(`${good.join("\n")}\n`);
      for (const b of bad) expect(sidePieces(`${file}.corrupt`)).toContain(b);
      const keys = await listAll(backend, memories, 1000);
      expect(keys).toHaveLength(20_000);
      expect((await backend.get(memories, "m2000"))?.version).toBe(1 + (2000 % 3));
      await backend.close();
      // A temp file of the killed repair is swept by the next replacement of the journal.
      expect(readdirSync(dirname(file)).filter((n) => n.includes(".tmp-"))).toEqual([]);
    }
    expect(outcomes.sideOnly).toBeGreaterThan(0); // at least the timed round
    console.info(`repair ${took} ms; where 10 runs ended: ${JSON.stringify(outcomes)}`);
  }, 240_000);
});
