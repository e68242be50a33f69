import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempWorkspace } from "../../../test/harness.js";
import { importTag } from "./targets.js";

const jsonl = (...lines: unknown[]) =>
  lines.map((l) => `${typeof l === "string" ? l : JSON.stringify(l)}\n`).join("");

const transcript = (sessionId = "cc-1") =>
  jsonl(
    {
      type: "user",
      uuid: "u1",
      sessionId,
      cwd: "/nowhere/app",
      message: { role: "user", content: "Add a cache" },
    },
    {
      type: "assistant",
      uuid: "a1",
      sessionId,
      timestamp: "2026-01-01T00:00:01Z",
      message: {
        role: "assistant",
        content: [
          { type: "text", text: "I will." },
          { type: "tool_use", name: "Edit", input: {} },
        ],
      },
    },
    "not json",
  );

interface Summary {
  file: string;
  format: string | null;
  sessions: string[];
  messages: number;
  imported: number;
  existing: number;
  skipped: number;
  skippedLines: number[];
}

async function importJson(cwd: string, argv: string[]) {
  const r = await runCli(["import", "transcript", ...argv, "--json"], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return { summary: JSON.parse(r.stdout) as Summary, stderr: r.stderr };
}

async function messages(cwd: string, session: string) {
  const r = await runCli(["message", "list", session, "--json", "--limit", "1000"], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return (
    JSON.parse(r.stdout) as { items: { role: string; content: string; metadata: Record<string, unknown> }[] }
  ).items;
}

function errorOf(stderr: string): { code: string; message: string } {
  return (JSON.parse(stderr.trim().split("\n").at(-1)!) as { error: { code: string; message: string } })
    .error;
}

describe("tta import transcript", () => {
  it("imports a Claude Code transcript into the session the hook maps it to, and a second import stores nothing", async () => {
    const cwd = tempWorkspace();
    const file = join(cwd, "t.jsonl");
    writeFileSync(file, transcript());
    const first = await importJson(cwd, [file]);
    expect(first.summary).toMatchObject({
      format: "claude-code",
      messages: 2,
      imported: 2,
      existing: 0,
      skipped: 1,
    });
    expect(first.summary.skippedLines).toEqual([3]);
    expect(JSON.parse(first.stderr).warning.message).toContain("1 not JSON (line 3)");
    const [session] = first.summary.sessions;
    expect(session).toMatch(/^app-session-\d{4}-\d{2}-\d{2}$/);
    const shown = await runCli(["session", "show", session!, "--json"], { cwd });
    expect(JSON.parse(shown.stdout).tags).toEqual(["claude-code", "claude-code:cc-1"]);

    const again = await importJson(cwd, [file]);
    expect(again.summary).toMatchObject({ sessions: [session], imported: 0, existing: 2 });
    const stored = await messages(cwd, session!);
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ["user", "Add a cache"],
      ["assistant", "I will.\n\n→ Edit {}"],
    ]);
    expect(stored[1]!.metadata).toEqual({
      source: "claude-code",
      uuid: "a1",
      timestamp: "2026-01-01T00:00:01Z",
      tools: ["Edit"],
    });
  });

  it("prints a one-line summary, nothing with -q, and imports into --session", async () => {
    const cwd = tempWorkspace();
    writeFileSync(join(cwd, "t.jsonl"), transcript());
    await runCli(["session", "create", "auth-design-2025-10-01"], { cwd });
    const r = await runCli(["import", "transcript", "t.jsonl", "--session", "auth-design-2025-10-01"], {
      cwd,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      "imported 2 messages into auth-design-2025-10-01 (0 already there, 1 line skipped)\n",
    );
    expect(r.stderr).toContain("tta: warning: skipped 1 line(s)");
    const quiet = await runCli(
      ["import", "transcript", "t.jsonl", "--session", "auth-design-2025-10-01", "-q"],
      { cwd },
    );
    expect([quiet.code, quiet.stdout, quiet.stderr]).toEqual([0, "", ""]);
  });

  it("two generic files with the same ids into one --session are two files' messages; any id text works", async () => {
    const cwd = tempWorkspace();
    const S = "notes-import-2025-10-01";
    await runCli(["session", "create", S], { cwd });
    writeFileSync(
      join(cwd, "a.jsonl"),
      jsonl({ id: "1", role: "user", content: "from a" }, { id: "2", role: "assistant", content: "a2" }),
    );
    writeFileSync(
      join(cwd, "b.jsonl"),
      jsonl(
        { id: "1", role: "user", content: "from b" },
        { id: "lone \ud800 surrogate", role: "assistant", content: "b2" },
      ),
    );
    expect((await importJson(cwd, ["a.jsonl", "--session", S])).summary.imported).toBe(2);
    expect((await importJson(cwd, ["b.jsonl", "--session", S])).summary.imported).toBe(2);
    expect((await importJson(cwd, ["b.jsonl", "--session", S])).summary.imported).toBe(0);
    expect((await messages(cwd, S)).map((m) => m.content)).toEqual(["from a", "a2", "from b", "b2"]);
  });

  it("shows progress on stderr only when it is a terminal: \\r updates, then a newline", async () => {
    const cwd = tempWorkspace();
    writeFileSync(join(cwd, "t.jsonl"), transcript());
    const tty = await runCli(["import", "transcript", "t.jsonl"], { cwd, stderrTty: true });
    expect(tty.code, tty.stderr).toBe(0);
    expect(tty.stderr).toMatch(
      /^\r\x1b\[Kchecking t\.jsonl: [\d.]+ of [\d.]+ KiB \(100%\), 2 messages, [\d.]+ KiB\/s/,
    );
    expect(tty.stderr).toMatch(
      /\r\x1b\[Kimporting t\.jsonl: [\d.]+ of [\d.]+ KiB \(100%\), 2 messages, [\d.]+ KiB\/s\ntta: warning/,
    );
    const pipe = await runCli(["import", "transcript", "t.jsonl"], { cwd });
    expect(pipe.stderr).not.toContain("\r");
    const json = await runCli(["import", "transcript", "t.jsonl", "--json"], { cwd, stderrTty: true });
    expect(json.stderr).not.toContain("\r");
  });

  it("imports a generic JSONL into a session found again by the file's tag", async () => {
    const cwd = tempWorkspace();
    const file = join(cwd, "chat.jsonl");
    writeFileSync(
      file,
      jsonl(
        { role: "user", content: "ok" },
        { role: "assistant", content: "fine" },
        { role: "user", content: "ok" },
      ),
    );
    const first = await importJson(cwd, ["chat.jsonl"]);
    expect(first.summary).toMatchObject({ format: "generic", messages: 3, imported: 3 });
    const second = await importJson(cwd, [file]);
    expect(second.summary).toMatchObject({ sessions: first.summary.sessions, imported: 0, existing: 3 });
    const list = await runCli(["session", "list", "--tag", importTag(first.summary.file), "--json"], { cwd });
    expect(JSON.parse(list.stdout).items).toHaveLength(1);
    expect((await messages(cwd, first.summary.sessions[0]!)).map((m) => m.content)).toEqual([
      "ok",
      "fine",
      "ok",
    ]);

    await runCli(["session", "complete", first.summary.sessions[0]!], { cwd });
    const closed = await runCli(["import", "transcript", file, "--json"], { cwd });
    expect(closed.code).toBe(4);
    expect(errorOf(closed.stderr)).toMatchObject({ code: "SESSION_NOT_ACTIVE" });
    expect(errorOf(closed.stderr).message).toContain("give --session");
  });

  it("imports the lines of each Claude Code session into its own tta session", async () => {
    const cwd = tempWorkspace();
    writeFileSync(
      join(cwd, "t.jsonl"),
      transcript("cc-a") + transcript("cc-b").replace(/"u1"|"a1"/g, (m) => m.replace("1", "2")),
    );
    const { summary } = await importJson(cwd, ["t.jsonl"]);
    expect(summary.sessions).toHaveLength(2);
    expect(summary.imported).toBe(4);
    for (const [i, agent] of ["cc-a", "cc-b"].entries()) {
      const shown = JSON.parse(
        (await runCli(["session", "show", summary.sessions[i]!, "--json"], { cwd })).stdout,
      );
      expect(shown.tags).toContain(`claude-code:${agent}`);
      expect(await messages(cwd, summary.sessions[i]!)).toHaveLength(2);
    }
  });

  it("appends in batches no larger than limits.batchAppend", async () => {
    const cwd = tempWorkspace();
    mkdirSync(join(cwd, ".tta"));
    writeFileSync(join(cwd, ".tta", "config.yaml"), "limits:\n  batchAppend: 2\n  messageContentBytes: 64\n");
    writeFileSync(
      join(cwd, "chat.jsonl"),
      jsonl(
        ...Array.from({ length: 7 }, (_, i) => ({
          role: "user",
          content: `message ${i} ${"x".repeat(i * 20)}`,
        })),
      ),
    );
    const { summary } = await importJson(cwd, ["chat.jsonl"]);
    expect(summary).toMatchObject({ messages: 7, imported: 7 });
    const stored = await messages(cwd, summary.sessions[0]!);
    expect(stored.map((m) => m.content.slice(0, 9))).toEqual(
      Array.from({ length: 7 }, (_, i) => `message ${i}`),
    );
    expect(stored.at(-1)!.content).toContain("cut by tta");
  });

  it("stores nothing and creates no session for an empty file", async () => {
    const cwd = tempWorkspace();
    writeFileSync(join(cwd, "empty.jsonl"), "\n\n");
    const { summary } = await importJson(cwd, ["empty.jsonl"]);
    expect(summary).toMatchObject({ format: null, messages: 0, sessions: [] });
    expect(JSON.parse((await runCli(["session", "list", "--json"], { cwd })).stdout).items).toEqual([]);
  });
});

describe("tta import transcript: refused input", () => {
  it("refuses a missing file, a folder and a FIFO with VALIDATION_FAILED (exit 2), saying what to give", async () => {
    const cwd = tempWorkspace();
    const missing = await runCli(["import", "transcript", "nope.jsonl", "--json"], { cwd });
    expect(missing.code).toBe(2);
    expect(errorOf(missing.stderr)).toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining("no such file"),
    });
    const folder = await runCli(["import", "transcript", ".", "--json"], { cwd });
    expect(errorOf(folder.stderr).message).toContain("folder");
    execFileSync("mkfifo", [join(cwd, "fifo.jsonl")]);
    const fifo = await runCli(["import", "transcript", "fifo.jsonl", "--json"], { cwd });
    expect(fifo.code).toBe(2);
    expect(errorOf(fifo.stderr).message).toContain("not a regular file");
    const device = await runCli(["import", "transcript", "/dev/null", "--json"], { cwd });
    expect(errorOf(device.stderr).message).toContain("not a regular file");
  });

  it("refuses an unreadable file with a message saying how to fix it", async (ctx) => {
    if (process.getuid?.() === 0) {
      // root reads any file: permissions cannot make one unreadable here.
      ctx.skip();
    }
    const cwd = tempWorkspace();
    writeFileSync(join(cwd, "locked.jsonl"), transcript());
    chmodSync(join(cwd, "locked.jsonl"), 0);
    const r = await runCli(["import", "transcript", "locked.jsonl", "--json"], { cwd });
    expect(r.code).toBe(2);
    expect(errorOf(r.stderr).message).toContain("chmod");
  });

  it("refuses a mixed file before writing anything", async () => {
    const cwd = tempWorkspace();
    writeFileSync(join(cwd, "mixed.jsonl"), transcript() + jsonl({ role: "user", content: "x" }));
    const r = await runCli(["import", "transcript", "mixed.jsonl", "--json"], { cwd });
    expect(r.code).toBe(2);
    expect(errorOf(r.stderr).message).toContain("line 4");
    expect(JSON.parse((await runCli(["session", "list", "--json"], { cwd })).stdout).items).toEqual([]);
  });

  it("refuses --session that does not exist or is not active", async () => {
    const cwd = tempWorkspace();
    writeFileSync(join(cwd, "t.jsonl"), transcript());
    const absent = await runCli(
      ["import", "transcript", "t.jsonl", "--session", "auth-design-2025-10-01", "--json"],
      { cwd },
    );
    expect([absent.code, errorOf(absent.stderr).code]).toEqual([3, "SESSION_NOT_FOUND"]);
    await runCli(["session", "create", "auth-design-2025-10-01"], { cwd });
    await runCli(["session", "archive", "auth-design-2025-10-01"], { cwd });
    const archived = await runCli(
      ["import", "transcript", "t.jsonl", "--session", "auth-design-2025-10-01", "--json"],
      {
        cwd,
      },
    );
    expect([archived.code, errorOf(archived.stderr).code]).toEqual([4, "SESSION_NOT_ACTIVE"]);
    const bad = await runCli(["import", "transcript", "t.jsonl", "--session", "../x", "--json"], { cwd });
    expect([bad.code, errorOf(bad.stderr).code]).toEqual([2, "NAME_INVALID"]);
  });

  it("refuses the in-process memory backend, which would lose the import", async () => {
    const cwd = tempWorkspace();
    writeFileSync(join(cwd, "t.jsonl"), transcript());
    const r = await runCli(["import", "transcript", "t.jsonl", "--backend", "memory", "--json"], { cwd });
    expect([r.code, errorOf(r.stderr).code]).toEqual([5, "NOT_SUPPORTED"]);
  });
});

describe("tta import transcript: hostile files", () => {
  it("imports what is sound and skips the rest, never crashing: __proto__, NULs, arrays, numbers, a 10 MB line, bad UTF-8", async () => {
    const cwd = tempWorkspace();
    const file = join(cwd, "hostile.jsonl");
    writeFileSync(
      file,
      Buffer.concat([
        Buffer.from(
          jsonl(
            { role: "user", content: "first" },
            '{"__proto__":{"isAdmin":true},"role":"assistant","content":"proto"}',
            '{"role":"user","content":"raw\u0000nul"}',
            { role: "user", content: "escaped\u0000nul" },
            "[1,2,3]",
            "42",
            { role: "user", content: { $gt: "" } },
            { role: ["user"], content: "x" },
            { role: "user", content: "x".repeat(10 << 20) },
          ),
        ),
        Buffer.from('{"role":"user","content":"'),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('"}\n'),
        Buffer.from(jsonl({ role: "assistant", content: "last" })),
      ]),
    );
    const r = await runCli(["import", "transcript", "hostile.jsonl", "--json"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as Summary & { skippedBy: Record<string, number> };
    expect(summary).toMatchObject({ messages: 4, imported: 4, skipped: 7 });
    expect(summary.skippedBy).toEqual({ notJson: 1, tooLong: 1, notUtf8: 1, notMessage: 4 });
    const stored = await messages(cwd, summary.sessions[0]!);
    expect(stored.map((m) => m.content)).toEqual(["first", "proto", "escaped\u0000nul", "last"]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect((await runCli(["import", "transcript", "hostile.jsonl", "--json"], { cwd })).code).toBe(0);
    expect(await messages(cwd, summary.sessions[0]!)).toHaveLength(4);
  });
});
