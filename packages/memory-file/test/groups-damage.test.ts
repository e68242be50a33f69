import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { groupsScope, type SessionGroup, sessionsScope } from "@tta-dev/core";
import { expectCode } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { createFileBackend } from "../src/index.js";
import { deepJson } from "./forge.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();
const scope = groupsScope("default");
const keys = (page: { items: { key: string }[] }) => page.items.map((r) => r.key);

const entry = (id: string, extra: Record<string, unknown> = {}) => ({
  group_id: id,
  description: `group ${id}`,
  tags: [],
  session_ids: [],
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
  status: "active",
  closed_at: null,
  archived_at: null,
  summary: null,
  metadata: {},
  version: 1,
  ...extra,
});

const asGroup = (id: string): SessionGroup => ({
  id,
  description: `group ${id}`,
  tags: [],
  sessionIds: [],
  status: "active",
  metadata: {},
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  version: 1,
});

/** A groups file whose entries are written as given (`raw` texts spliced in as they are). */
function groupsFile(entries: (object | { raw: string })[], version = "2.0") {
  const root = tempDir("tta-file-groups-");
  const parts = entries.map((e) =>
    "raw" in e ? e.raw : JSON.stringify(e, null, 2).replace(/\n/g, "\n    "),
  );
  const text = `{\n  "groups": [\n    ${parts.join(",\n    ")}\n  ],\n  "version": "${version}"\n}\n`;
  const file = join(root, "session_groups.json");
  writeFileSync(file, text);
  const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;
  return { root, file, text, lineOf };
}

describe("a bad entry in session_groups.json costs only its group", () => {
  it("reads skip it, reading or writing that group names the entry's line, and every rewrite keeps its text verbatim", async () => {
    const bad = JSON.stringify(entry("g2", { status: "weird", note: "keep   my   spacing" }));
    const { root, file, lineOf } = groupsFile([entry("g1"), { raw: bad }, entry("g3")]);
    const backend = createFileBackend({ root });
    expect(keys(await backend.list(scope))).toEqual(["g1", "g3"]);
    const e = await expectCode(backend.get(scope, "g2"), "BACKEND_CORRUPT");
    expect(e.details).toMatchObject({ file, line: lineOf(bad), column: 5, key: "g2" });
    expect(e.details.reason).toMatch(/groups\.1\.status/);
    await expectCode(backend.put(scope, "g2", asGroup("g2")), "BACKEND_CORRUPT");
    await expectCode(backend.delete(scope, "g2"), "BACKEND_CORRUPT");
    // Writes to other groups rewrite the file and keep the bad entry as it was.
    await backend.put(scope, "g4", asGroup("g4"));
    await backend.delete(scope, "g1");
    expect(await backend.clear(scope)).toBe(2);
    const after = readFileSync(file, "utf8");
    expect(after).toContain(bad);
    expect(JSON.parse(after).groups).toEqual([JSON.parse(bad)]);
    const other = createFileBackend({ root });
    expect(keys(await other.list(scope))).toEqual([]);
    await expectCode(other.get(scope, "g2"), "BACKEND_CORRUPT");
    await backend.close();
    await other.close();
  });

  it("an entry without a usable group_id is skipped and kept; a repeated group_id makes that group unreadable until repaired", async () => {
    const { root, file, text } = groupsFile([
      entry("g1"),
      { raw: '{"description":"no id"}' },
      entry("g1"),
      entry("g2"),
    ]);
    const backend = createFileBackend({ root });
    expect(keys(await backend.list(scope))).toEqual(["g2"]);
    const e = await expectCode(backend.get(scope, "g1"), "BACKEND_CORRUPT");
    expect(e.details.reason).toMatch(/groups\.2\.group_id: duplicate group_id "g1"/);
    expect(e.details.line).toBe(text.split("\n").findLastIndex((l) => l.includes('"group_id": "g1"')));
    await backend.put(scope, "g3", asGroup("g3"));
    expect(readFileSync(file, "utf8")).toContain('{"description":"no id"}');
    const r = await backend.repair();
    expect(r.moved).toEqual([
      {
        place: "session_groups.json",
        lines: [expect.any(Number), expect.any(Number)],
        to: "session_groups.json.corrupt",
      },
    ]);
    expect(keys(await backend.list(scope))).toEqual(["g1", "g2", "g3"]);
    await backend.close();
  });

  it("metadata nested 5 000 levels deep reads as BACKEND_CORRUPT naming the file and the entry's line, never BACKEND_UNAVAILABLE, and a write keeps it", async () => {
    const deep = `{"group_id":"deep","description":"","tags":[],"session_ids":[],"created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z","status":"active","metadata":${deepJson(5000)},"version":1}`;
    for (const version of ["2.0", "1.0"]) {
      const { root, file, lineOf } = groupsFile([entry("g1"), { raw: deep }], version);
      const backend = createFileBackend({ root });
      const e = await expectCode(backend.get(scope, "deep"), "BACKEND_CORRUPT");
      expect(e.details).toMatchObject({ file, line: lineOf('{"group_id":"deep"') });
      expect(e.details.reason).toMatch(/nested more than 1000 levels/);
      expect(keys(await backend.list(scope))).toEqual(["g1"]);
      // The first write (an upgrade of a 1.0 file, too) serialises the file without overflowing.
      await backend.put(scope, "g9", asGroup("g9"));
      expect(readFileSync(file, "utf8")).toContain(deep);
      expect(keys(await backend.list(scope))).toEqual(["g1", "g9"]);
      const problems = (await backend.inspect()).problems;
      expect(problems).toMatchObject([
        { kind: "corrupt-entry", place: "session_groups.json", repairable: true },
      ]);
      await backend.close();
    }
  });

  it("a top-level field nested too deep to write again fails the whole file, naming file and line", async () => {
    const root = tempDir("tta-file-groups-");
    const file = join(root, "session_groups.json");
    writeFileSync(file, `{\n  "groups": [],\n  "version": "2.0",\n  "mine": ${deepJson(5000)}\n}\n`);
    const backend = createFileBackend({ root });
    const e = await expectCode(backend.list(scope), "BACKEND_CORRUPT");
    expect(e.details).toMatchObject({ file, line: 4, column: 3 });
    await backend.close();
  });

  it("a file that is not JSON names the line and column even where JSON.parse gives no position, and costs the whole file only", async () => {
    for (const [text, line, column] of [
      ['{\n  "groups": [\n    tru\n  ],\n  "version": "2.0"\n}\n', 3, 5],
      ['{\n  "groups": [],\n  "version": "2.0"\n', 4, 1],
      ['{\n  "groups": [ "a\tb" ],\n  "version": "2.0"\n}\n', 2, 17],
      ['{"groups":[],"version":"2.0"}\n}', 2, 1],
    ] as const) {
      const root = tempDir("tta-file-groups-");
      const file = join(root, "session_groups.json");
      writeFileSync(file, text);
      const backend = createFileBackend({ root });
      const e = await expectCode(backend.get(scope, "x"), "BACKEND_CORRUPT");
      expect(e.details).toMatchObject({ file, line, column });
      await expectCode(backend.put(scope, "x", asGroup("x")), "BACKEND_CORRUPT");
      expect(readFileSync(file, "utf8")).toBe(text);
      await backend.put(sessionsScope("default"), "s", 1);
      const report = await backend.inspect();
      expect(report.problems).toMatchObject([
        { kind: "corrupt-file", place: "session_groups.json", line, repairable: false },
      ]);
      expect((await backend.repair()).moved).toEqual([]);
      await backend.close();
    }
  });
});
