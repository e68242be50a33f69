import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { groupsScope, messagesScope, type SessionGroup, sessionsScope } from "@tta-dev/core";
import { expectCode, readAll } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { createFileBackend } from "../src/index.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();

const fresh = () => tempDir("tta-file-corrupt-");
const group = (id: string): SessionGroup => ({
  id,
  description: "",
  tags: [],
  sessionIds: [],
  status: "active",
  metadata: {},
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  version: 1,
});

describe("corrupt or hand-edited files", () => {
  it("a hand-edited journal line costs only its record: that key fails BACKEND_CORRUPT naming file and line, the rest reads and writes, the file is never written over", async () => {
    const root = fresh();
    const backend = createFileBackend({ root });
    const s = sessionsScope("default");
    for (const k of ["a", "b", "c"]) await backend.put(s, k, { k });
    const file = join(root, "ns", "default", "rec", "sessions.jsonl");
    const edited = readFileSync(file, "utf8").replace('{"k":"b"}', '{"k":"B"}');
    writeFileSync(file, edited);
    const other = createFileBackend({ root });
    const e = await expectCode(other.get(s, "b"), "BACKEND_CORRUPT");
    expect(e.details).toMatchObject({ file, line: 2, key: "b" });
    expect((await other.get(s, "a"))?.value).toEqual({ k: "a" });
    expect((await backend.list(s)).items.map((r) => r.key)).toEqual(["a", "c"]);
    await other.put(s, "d", 1);
    expect((await backend.list(s)).items.map((r) => r.key)).toEqual(["a", "c", "d"]);
    expect(readFileSync(file, "utf8").startsWith(edited)).toBe(true);
    // Other collections and namespaces are unaffected.
    await other.put({ namespace: "default", collection: "memories" }, "m", 1);
    await other.append(messagesScope("default", "x-y-2026-01-01"), [{ value: 1 }]);
    expect((await other.get({ namespace: "default", collection: "memories" }, "m"))?.value).toBe(1);
    // Repairing the file by hand makes the record readable again.
    writeFileSync(file, readFileSync(file, "utf8").replace('{"k":"B"}', '{"k":"b"}'));
    expect((await other.get(s, "b"))?.value).toEqual({ k: "b" });
    await backend.close();
    await other.close();
  });

  it("a corrupt log line fails reads that cross it, naming the line; appends still work and never overwrite it", async () => {
    const root = fresh();
    const backend = createFileBackend({ root });
    const log = messagesScope("default", "a-b-2026-01-01");
    for (let i = 1; i <= 10; i++) await backend.append(log, [{ value: { i } }]);
    const file = join(root, "ns", "default", "log", "messages", "a-b-2026-01-01.jsonl");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace('{"i":4}', '{"i":9}'));
    const e = await expectCode(backend.readLog(log), "BACKEND_CORRUPT");
    expect(e.details).toMatchObject({ file, line: 4 });
    expect((await backend.readLog(log, { fromEnd: true, limit: 3 })).map((x) => x.seq)).toEqual([8, 9, 10]);
    const [next] = await backend.append(log, [{ value: { i: 11 } }]);
    expect(next!.seq).toBe(11);
    expect(readFileSync(file, "utf8").startsWith(text.replace('{"i":4}', '{"i":9}'))).toBe(true);
    await backend.close();
  });

  it("a torn tail (half a line, or a batch whose last line is missing) is ignored and cut by the next writer", async () => {
    const root = fresh();
    const backend = createFileBackend({ root });
    const log = messagesScope("default", "a-b-2026-01-01");
    await backend.append(log, [{ value: 1 }, { value: 2 }]);
    const file = join(root, "ns", "default", "log", "messages", "a-b-2026-01-01.jsonl");
    const good = readFileSync(file, "utf8");
    // A batch of three cut after its first line, then half of its second line.
    const other = fresh();
    const scratch = createFileBackend({ root: other });
    await scratch.append(log, [{ value: 0 }, { value: 0 }]);
    await scratch.append(log, [{ value: "x" }, { value: "y" }, { value: "z" }]);
    const batch = readFileSync(
      join(other, "ns", "default", "log", "messages", "a-b-2026-01-01.jsonl"),
      "utf8",
    )
      .split("\n")
      .slice(2);
    appendFileSync(file, `${batch[0]}\n${batch[1]!.slice(0, 20)}`);
    expect(await backend.logLength(log)).toBe(2);
    expect((await readAll(backend, log)).map((x) => x.value)).toEqual([1, 2]);
    const [e] = await backend.append(log, [{ value: 3 }]);
    expect(e!.seq).toBe(3);
    expect((await readAll(backend, log)).map((x) => x.value)).toEqual([1, 2, 3]);
    expect(readFileSync(file, "utf8").startsWith(good)).toBe(true);
    expect(readFileSync(file, "utf8").split("\n")).toHaveLength(4);
    await backend.close();
    await scratch.close();
  });

  it("an incomplete last journal line is skipped by readers and cut by the next writer", async () => {
    const root = fresh();
    const backend = createFileBackend({ root });
    const s = { namespace: "default", collection: "things" };
    await backend.put(s, "a", 1);
    const file = join(root, "ns", "default", "rec", "things.jsonl");
    appendFileSync(file, '0000abcd{"k":"b","n":1,"e":null}\t{"half');
    const other = createFileBackend({ root });
    expect((await other.list(s)).items.map((r) => r.key)).toEqual(["a"]);
    await other.put(s, "c", 3);
    expect((await backend.list(s)).items.map((r) => r.key)).toEqual(["a", "c"]);
    expect(readFileSync(file, "utf8")).not.toContain("half");
    await backend.close();
    await other.close();
  });

  it("session_groups.json that is not JSON fails BACKEND_CORRUPT with line and column, and is never overwritten", async () => {
    const root = fresh();
    const bad = '{\n  "groups": [\n    { "group_id": "x", }\n  ],\n  "version": "2.0"\n}\n';
    writeFileSync(join(root, "session_groups.json"), bad);
    const backend = createFileBackend({ root });
    const e = await expectCode(backend.list(groupsScope("default")), "BACKEND_CORRUPT");
    expect(e.details).toMatchObject({ file: join(root, "session_groups.json"), line: 3 });
    expect(e.details.column).toBeGreaterThan(1);
    await expectCode(backend.put(groupsScope("default"), "y", group("y")), "BACKEND_CORRUPT");
    expect(readFileSync(join(root, "session_groups.json"), "utf8")).toBe(bad);
    // Sessions, messages and other namespaces' groups keep working.
    await backend.put(sessionsScope("default"), "s", 1);
    await backend.put(groupsScope("other"), "y", group("y"));
    expect((await backend.list(groupsScope("other"))).items).toHaveLength(1);
    await backend.close();
  });

  it("a group entry with a bad field names the file, the entry's line and the field", async () => {
    const root = fresh();
    const text = JSON.stringify(
      {
        groups: [
          {
            ...JSON.parse(readFileSync(new URL("./fixtures/session_groups.v1.json", import.meta.url), "utf8"))
              .groups[0],
          },
          {
            group_id: "second",
            created_at: "2025-01-01T00:00:00",
            status: "weird",
            tags: [],
            session_ids: [],
          },
        ],
        version: "1.0",
      },
      null,
      2,
    );
    writeFileSync(join(root, "session_groups.json"), text);
    const backend = createFileBackend({ root });
    const e = await expectCode(backend.get(groupsScope("default"), "second"), "BACKEND_CORRUPT");
    expect(e.details.reason).toMatch(/groups\.1\.status/);
    // The entry starts with the `{` on the line before its group_id.
    const lines = text.split("\n");
    const idLine = lines.findIndex((l) => l.includes('"second"')) + 1;
    expect(lines[idLine - 2]).toBe("    {");
    expect(e.details).toMatchObject({ file: join(root, "session_groups.json"), line: idLine - 1, column: 5 });
    // The other group still reads.
    expect((await backend.list(groupsScope("default"))).items.map((r) => r.key)).toEqual(["feature-auth"]);
    await backend.close();
  });
});
