import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock } from "@tta-dev/core";
import { afterAll, describe, expect, it } from "vitest";
import { parsePafDocument } from "./parse.js";
import { diffPafs, formatPafDiff, hasPafChanges, snapshotPafs } from "./snapshot.js";
import { readPafSnapshot, writePafSnapshot } from "./snapshot-file.js";

const before = `
- **A-1**: stays
- **A-2**: will change
- **A-3**: will be deprecated
- **A-4**: will be removed
- **A-5**: will move
  - Check: max-lines 10
`;
const after = `
# New heading
- **A-5**: will move
  - Check: max-lines 10
- **A-1**: stays
- **A-2**: has changed
- **A-3**: ~~will be deprecated~~
  - Reason: obsolete
  - Replaced by: A-6
- **A-6**: new
`;

describe("diffPafs", () => {
  it("reports added, changed, deprecated and removed facts, not moved ones", async () => {
    const prev = snapshotPafs((await parsePafDocument(before)).facts);
    const diff = diffPafs(prev, (await parsePafDocument(after)).facts);
    expect(diff.added.map((f) => f.id)).toEqual(["A-6"]);
    expect(diff.changed.map((c) => [c.id, c.fields])).toEqual([["A-2", ["text"]]]);
    expect(diff.deprecated.map((c) => [c.id, c.after.status])).toEqual([["A-3", "replaced"]]);
    expect(diff.removed.map((f) => f.id)).toEqual(["A-4"]);
    expect(diff.unchanged).toBe(2);
    expect(hasPafChanges(diff)).toBe(true);
    expect(formatPafDiff(diff)).toBe(
      [
        "+ A-6 added: new",
        "~ A-3 deprecated (replaced by A-6): will be deprecated",
        '* A-2 changed (text): "will change" → "has changed"',
        "- A-4 removed: will be removed",
        "",
      ].join("\n"),
    );
  });

  it("reports every fact as added without a previous snapshot, and nothing for the same facts", async () => {
    const { facts } = await parsePafDocument(before);
    expect(diffPafs(undefined, facts).added).toHaveLength(5);
    const same = diffPafs(snapshotPafs(facts), facts);
    expect(hasPafChanges(same)).toBe(false);
    expect(formatPafDiff(same)).toBe("No changes (5 facts unchanged).\n");
  });

  it("reports a changed Check: line", async () => {
    const a = (await parsePafDocument("- **A-1**: x\n  - Check: max-lines 10\n")).facts;
    const b = (await parsePafDocument("- **A-1**: x\n  - Check: max-lines 20\n")).facts;
    expect(diffPafs(a, b).changed.map((c) => c.fields)).toEqual([["check"]]);
  });
});

describe("snapshot files", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  const tmp = async () => {
    const d = await mkdtemp(join(tmpdir(), "tta-paf-snap-"));
    dirs.push(d);
    return d;
  };

  it("round-trips a snapshot through an atomic write, creating the directory, leaving no temp file", async () => {
    const dir = await tmp();
    const path = join(dir, ".tta", "paf-snapshot.json");
    const snap = snapshotPafs((await parsePafDocument(before)).facts, {
      clock: createManualClock("2026-11-25T12:00:00.000Z"),
    });
    expect(await readPafSnapshot(path)).toBeUndefined();
    await writePafSnapshot(path, snap);
    await writePafSnapshot(path, snap);
    expect(await readPafSnapshot(path)).toEqual(snap);
    expect(snap.createdAt).toBe("2026-11-25T12:00:00.000Z");
    expect(await readdir(join(dir, ".tta"))).toEqual(["paf-snapshot.json"]);
    expect(JSON.parse(await readFile(path, "utf8")).version).toBe(1);
  });

  it("fails BACKEND_CORRUPT naming the file for something that is not a snapshot", async () => {
    const dir = await tmp();
    const path = join(dir, "snap.json");
    await writeFile(path, "{ nope");
    await expect(readPafSnapshot(path)).rejects.toMatchObject({
      code: "BACKEND_CORRUPT",
      message: expect.stringContaining(path),
    });
    await writeFile(
      path,
      JSON.stringify({ version: 1, createdAt: "x", file: "P.md", facts: [{ id: "bad id" }] }),
    );
    await expect(readPafSnapshot(path)).rejects.toMatchObject({ code: "BACKEND_CORRUPT" });
  });
});
