import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { groupsScope, messagesScope, type Scope, sessionsScope } from "@tta-dev/core";
import { readAll } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { createFileBackend, type FileBackend } from "../src/index.js";
import { flipByte, forgeLine, insertLine, linesOf } from "./forge.js";
import { runWorker } from "./spawn-worker.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();

const sessions = sessionsScope("default");
const memories = { namespace: "default", collection: "memories" };
const teamMemories = { namespace: "team", collection: "memories" };
const logA = messagesScope("default", "a-tail-2026-01-01");
const logB = messagesScope("default", "b-middle-2026-01-01");
const P = {
  logA: "ns/default/log/messages/a-tail-2026-01-01.jsonl",
  logB: "ns/default/log/messages/b-middle-2026-01-01.jsonl",
  memories: "ns/default/rec/memories.jsonl",
  sessions: "ns/default/rec/sessions.jsonl",
  team: "ns/team/rec/memories.jsonl",
  groups: "session_groups.json",
};

const group = (id: string, status = "active") => ({
  group_id: id,
  description: `group ${id}`,
  tags: [],
  session_ids: [],
  created_at: "2026-01-01T00:00:00.000Z",
  updated_at: "2026-01-01T00:00:00.000Z",
  status,
  closed_at: null,
  archived_at: null,
  summary: null,
  metadata: {},
  version: 1,
});

/**
 * A store with damage of every kind: a session whose latest line is bad (line 6), a memory line
 * with a bad value (line 4) and a foreign line (line 8), a log whose last line forges seq 10 again
 * (line 11), a log with a bad line in the middle (line 4), a bad group entry, and a bad line in
 * another namespace.
 */
async function damagedStore() {
  const root = tempDir("tta-file-repair-");
  const b = createFileBackend({ root });
  for (const id of ["s1", "s2", "s3", "s4", "s5"]) await b.put(sessions, id, { id, n: 1 });
  await b.put(sessions, "s3", { id: "s3", n: 2 });
  for (let i = 1; i <= 10; i++)
    await b.put(memories, `m${String(i).padStart(2, "0")}`, { text: `memory ${i}` });
  for (let i = 1; i <= 3; i++) await b.put(teamMemories, `t${i}`, { i });
  for (let i = 1; i <= 10; i++) {
    await b.append(logA, [{ value: { i } }]);
    await b.append(logB, [{ value: { i } }]);
  }
  await b.close();
  const path = (place: string) => join(root, ...place.split("/"));
  flipByte(path(P.sessions), 6);
  flipByte(path(P.memories), 4);
  insertLine(path(P.memories), 8, "this is not a journal line");
  appendFileSync(path(P.logA), forgeLine('{"s":10,"r":0}\t{"forged":true}'));
  flipByte(path(P.logB), 4);
  flipByte(path(P.team), 2);
  const groupsText = `${JSON.stringify({ groups: [group("g1"), group("g2", "weird"), group("g3")], version: "2.0" }, null, 2)}\n`;
  writeFileSync(path(P.groups), groupsText);
  const badGroupLine = groupsText.split("\n").findIndex((l) => l.includes('"g2"'));
  return { root, path, groupsText, badGroupLine };
}

/** Every file under the root with its bytes. */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!relative(root, p).startsWith("locks")) out.set(relative(root, p), readFileSync(p, "latin1"));
    }
  };
  walk(root);
  return out;
}

async function goodRecords(b: FileBackend, scope: Scope) {
  return (await b.list(scope, { limit: 1000 })).items.map((r) => ({
    key: r.key,
    value: r.value,
    version: r.version,
  }));
}

const brief = (problems: { kind: string; place: string; line?: number; repairable: boolean }[]) =>
  problems.map(({ kind, place, line, repairable }) => ({ kind, place, line, repairable }));

describe("inspect and repair", () => {
  it("inspect reports exactly the damaged lines: places relative to the root, 1-based lines, what each costs", async () => {
    const { root, badGroupLine } = await damagedStore();
    const backend = createFileBackend({ root });
    const report = await backend.inspect();
    expect(report.checked).toBe(6);
    expect(brief(report.problems)).toEqual([
      { kind: "seq-gap", place: P.logA, line: 11, repairable: true },
      { kind: "corrupt-line", place: P.logB, line: 4, repairable: false },
      { kind: "corrupt-line", place: P.memories, line: 4, repairable: true },
      { kind: "corrupt-line", place: P.memories, line: 8, repairable: true },
      { kind: "corrupt-line", place: P.sessions, line: 6, repairable: true },
      { kind: "corrupt-line", place: P.team, line: 2, repairable: true },
      { kind: "corrupt-entry", place: P.groups, line: badGroupLine, repairable: true },
    ]);
    for (const p of report.problems) {
      expect(p.place.startsWith("/")).toBe(false);
      expect(p.message).not.toContain(root);
    }
    const [a, b, m4, m8, s6, , g] = report.problems;
    expect(a!.message).toMatch(/seq 10 where 11 is due.*until repair moves lines 11-11.*ends at seq 10/);
    expect(b!.message).toMatch(/cannot be moved without renumbering/);
    expect(m4!.message).toMatch(/record "m04" is damaged.*"m04" is then absent/);
    expect(m8!.message).toMatch(/cannot be recognised/);
    expect(s6!.message).toMatch(/record "s3" is damaged.*reads as its earlier version 1/);
    expect(g!.message).toMatch(/groups\.1\.status.*group "g2" is skipped/);
    const team = await backend.inspect({ namespace: "team" });
    expect(team.checked).toBe(1);
    expect(brief(team.problems)).toEqual([
      { kind: "corrupt-line", place: P.team, line: 2, repairable: true },
    ]);
    await backend.close();
  });

  it("repair({ dryRun: true }) says what would move and changes no byte", async () => {
    const { root, badGroupLine } = await damagedStore();
    const before = snapshot(root);
    const backend = createFileBackend({ root });
    const r = await backend.repair({ dryRun: true });
    expect(r.dryRun).toBe(true);
    expect(r.moved).toEqual([
      { place: P.logA, lines: [11], to: `${P.logA}.corrupt` },
      { place: P.memories, lines: [4, 8], to: `${P.memories}.corrupt` },
      { place: P.sessions, lines: [6], to: `${P.sessions}.corrupt` },
      { place: P.team, lines: [2], to: `${P.team}.corrupt` },
      { place: P.groups, lines: [badGroupLine], to: `${P.groups}.corrupt` },
    ]);
    expect(brief(r.remaining)).toEqual([{ kind: "corrupt-line", place: P.logB, line: 4, repairable: false }]);
    expect(snapshot(root)).toEqual(before);
    await backend.close();
  });

  it("repair() moves exactly the bad lines into side files, keeps every good record with its value and version, and a second repair moves nothing", async () => {
    const { root, path, groupsText, badGroupLine } = await damagedStore();
    const opened = createFileBackend({ root }); // an instance that has the files open across the repair
    const good = {
      sessions: await goodRecords(opened, sessions),
      memories: await goodRecords(opened, memories),
      team: await goodRecords(opened, teamMemories),
      groups: await goodRecords(opened, groupsScope("default")),
    };
    const lines = Object.fromEntries(
      Object.entries(P).map(([k, p]) => [k, existsSync(path(p)) ? linesOf(path(p)) : []]),
    );
    const backend = createFileBackend({ root });
    const r = await backend.repair();
    expect(r.dryRun).toBe(false);
    expect(r.moved.map((m) => [m.place, m.lines])).toEqual([
      [P.logA, [11]],
      [P.memories, [4, 8]],
      [P.sessions, [6]],
      [P.team, [2]],
      [P.groups, [badGroupLine]],
    ]);
    expect(brief(r.remaining)).toEqual([{ kind: "corrupt-line", place: P.logB, line: 4, repairable: false }]);

    // Each journal is what it was without exactly those lines; each side file holds them, with their origin.
    const without = (all: string[], drop: number[]) => all.filter((_, i) => !drop.includes(i + 1));
    expect(linesOf(path(P.sessions))).toEqual(without(lines.sessions!, [6]));
    expect(linesOf(path(P.memories))).toEqual(without(lines.memories!, [4, 8]));
    expect(linesOf(path(P.team))).toEqual(without(lines.team!, [2]));
    expect(linesOf(path(P.logA))).toEqual(without(lines.logA!, [11]));
    expect(linesOf(path(P.logB))).toEqual(lines.logB);
    const side = (place: string) =>
      linesOf(path(`${place}.corrupt`)).map((l) => {
        const tab = l.indexOf("\t");
        return { head: JSON.parse(l.slice(0, tab)), original: l.slice(tab + 1) };
      });
    expect(side(P.memories).map((x) => [x.head.from, x.head.line, x.original])).toEqual([
      [P.memories, 4, lines.memories![3]],
      [P.memories, 8, "this is not a journal line"],
    ]);
    expect(side(P.sessions)).toMatchObject([
      { head: { from: P.sessions, line: 6 }, original: lines.sessions![5] },
    ]);
    expect(side(P.logA)).toMatchObject([{ head: { from: P.logA, line: 11 }, original: lines.logA![10] }]);
    expect(existsSync(path(`${P.logB}.corrupt`))).toBe(false);
    // The groups file lost only the bad entry; its side file holds that entry on one line.
    const groupsNow = readFileSync(path(P.groups), "utf8");
    expect(JSON.parse(groupsNow).groups.map((g: { group_id: string }) => g.group_id)).toEqual(["g1", "g3"]);
    // Cut out with its separator, every other byte as it was: the same text as the two-group document.
    expect(groupsText).not.toBe(groupsNow);
    expect(groupsNow).toBe(
      `${JSON.stringify({ groups: [group("g1"), group("g3")], version: "2.0" }, null, 2)}\n`,
    );
    expect(JSON.parse(side(P.groups)[0]!.original)).toEqual(group("g2", "weird"));

    // Good records are unchanged, for a fresh instance and for one that had the files open.
    for (const b of [backend, opened]) {
      expect(await goodRecords(b, sessions)).toEqual([
        ...good.sessions.slice(0, 2),
        { key: "s3", value: { id: "s3", n: 1 }, version: 1 }, // its damaged version 2 was moved aside
        ...good.sessions.slice(2),
      ]);
      expect(await goodRecords(b, memories)).toEqual(good.memories);
      expect(await goodRecords(b, teamMemories)).toEqual(good.team);
      expect(await goodRecords(b, groupsScope("default"))).toEqual(good.groups);
    }
    // Appends continue gaplessly from the last good seq of the repaired log.
    const [next] = await opened.append(logA, [{ value: { i: 11 } }]);
    expect(next!.seq).toBe(11);
    expect((await readAll(backend, logA)).map((e) => e.seq)).toEqual(
      Array.from({ length: 11 }, (_, i) => i + 1),
    );
    await backend.put(sessions, "s3", { id: "s3", n: 3 }, { ifVersion: 1 });

    const again = await backend.repair();
    expect(again.moved).toEqual([]);
    expect(brief(again.remaining)).toEqual([
      { kind: "corrupt-line", place: P.logB, line: 4, repairable: false },
    ]);
    expect(brief((await backend.inspect()).problems)).toEqual(brief(again.remaining));
    await backend.close();
    await opened.close();
  });

  it("repair takes each journal's lock: a child process writing the same journal meanwhile loses nothing", async () => {
    const { root, path } = await damagedStore();
    // Long enough that the writer outlasts several repairs even on a loaded machine.
    const ROUNDS = 200;
    let done = false;
    const writer = runWorker<{ results: { version?: number; code?: string }[] }>({
      mode: "records",
      root,
      namespace: "default",
      id: 0,
      count: 0,
      repeat: ROUNDS,
      ops: Array.from({ length: 30 }, (_, i) => ({
        op: "put",
        collection: "sessions",
        key: `w${i}`,
        value: { i },
      })),
    }).finally(() => {
      done = true;
    });
    // Wait until the child is writing, then repair while it goes on.
    while (!done && linesOf(path(P.sessions)).length < 60)
      await new Promise((resolve) => setTimeout(resolve, 2));
    const backend = createFileBackend({ root });
    const moved: number[][] = [];
    let rounds = 0;
    while (!done) {
      for (const m of (await backend.repair({ namespace: "default" })).moved)
        if (m.place === P.sessions) moved.push(m.lines);
      rounds++;
      await new Promise((resolve) => setImmediate(resolve)); // repair is synchronous: let the child's exit through
    }
    const { results } = await writer;
    expect(rounds).toBeGreaterThan(1);
    expect(results.every((r) => r.version !== undefined)).toBe(true);
    expect(moved).toEqual([[6]]);
    for (let k = 0; k < 30; k++) {
      expect(await backend.get(sessions, `w${k}`)).toMatchObject({
        value: { i: k, round: ROUNDS - 1 },
        version: ROUNDS,
      });
    }
    expect((await backend.get(sessions, "s3"))?.version).toBe(1);
    expect(
      (await backend.inspect({ namespace: "default" })).problems.filter((p) => p.place === P.sessions),
    ).toEqual([]);
    await backend.close();
  }, 60_000);

  it("repair of one namespace touches no other", async () => {
    const { root, path } = await damagedStore();
    const backend = createFileBackend({ root });
    const before = readFileSync(path(P.sessions));
    const r = await backend.repair({ namespace: "team" });
    expect(r.moved).toEqual([{ place: P.team, lines: [2], to: `${P.team}.corrupt` }]);
    expect(r.remaining).toEqual([]);
    expect(readFileSync(path(P.sessions)).equals(before)).toBe(true);
    await backend.close();
  });
});
