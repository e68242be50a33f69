import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempWorkspace } from "./harness.js";

/*
 * What a user meets at the command line, on the real handlers over the real file backend: each test
 * names the behaviour it holds to.
 */

const S = "auth-design-2026-12-03";

async function json(argv: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await runCli([...argv, "--json"], { cwd, env });
  return { ...r, out: r.stdout ? (JSON.parse(r.stdout) as Record<string, unknown>) : undefined };
}

async function errorOf(argv: string[], cwd: string, env: Record<string, string> = {}) {
  const r = await runCli([...argv, "--json"], { cwd, env });
  expect(r.stdout).toBe("");
  const { error } = JSON.parse(r.stderr) as {
    error: { code: string; message: string; details: Record<string, unknown> };
  };
  return { exit: r.code, ...error };
}

describe("session complete and delete keep every piece of data", () => {
  it("shows the lesson ids, gives lessons the session's tags and --importance, and stores new lessons on a completed session", async () => {
    const cwd = tempWorkspace();
    await json(["session", "create", S, "--tag", "auth"], cwd);
    const done = await json(
      ["session", "complete", S, "--lesson", "Rotate refresh tokens", "--importance", "0.9"],
      cwd,
    );
    expect(done.code).toBe(0);
    const lessons = done.out!.lessons as { id: string; tags: string[]; importance: number }[];
    expect(lessons).toHaveLength(1);
    expect(lessons[0]).toMatchObject({ tags: ["auth"], importance: 0.9 });
    expect(lessons[0]!.id).toMatch(/^mem_/);
    const human = await runCli(["session", "complete", S, "--lesson", "Keep sessions short"], { cwd });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("Keep sessions short");
    const search = await json(["memory", "search", "--session", S, "--kind", "lesson"], cwd);
    expect((search.out!.items as unknown[]).length).toBe(2);
  });

  it("refuses a delete without --cascade while messages remain, and a re-created id never shows old messages", async () => {
    const cwd = tempWorkspace();
    await json(["session", "create", S], cwd);
    await json(["message", "add", S, "first message"], cwd);
    const refused = await errorOf(["session", "delete", S], cwd);
    expect(refused).toMatchObject({ exit: 2, code: "VALIDATION_FAILED" });
    expect(refused.message).toContain("--cascade");
    expect((await json(["session", "show", S], cwd)).code).toBe(0);
    const gone = await json(["session", "delete", S, "--cascade"], cwd);
    expect(gone.out).toMatchObject({ deleted: true, counts: { messages: 1 } });
    await json(["session", "create", S], cwd);
    expect((await json(["message", "list", S], cwd)).out!.items).toEqual([]);
  });

  it("fails SESSION_NOT_FOUND / GROUP_NOT_FOUND for a memory linked to what does not exist, writing nothing", async () => {
    const cwd = tempWorkspace();
    expect(await errorOf(["memory", "add", "x", "--session", S], cwd)).toMatchObject({
      exit: 3,
      code: "SESSION_NOT_FOUND",
    });
    expect(await errorOf(["memory", "add", "x", "--group", "no-such-group"], cwd)).toMatchObject({
      exit: 3,
      code: "GROUP_NOT_FOUND",
    });
    expect((await json(["memory", "search"], cwd)).out!.items).toEqual([]);
  });

  it("lists every member of a group read from a version 1.0 session_groups.json, marking those without a session", async () => {
    const cwd = tempWorkspace();
    const v1 = {
      groups: [
        {
          group_id: "feature-auth",
          description: "Authentication feature",
          tags: ["feature"],
          session_ids: ["auth-design-2025-10-01", "auth-impl-2025-10-02"],
          created_at: "2025-10-28T17:05:17.366397",
          status: "active",
          closed_at: null,
          summary: null,
          metadata: {},
        },
      ],
      version: "1.0",
      last_updated: "2025-10-28T17:05:17.368370",
    };
    mkdirSync(join(cwd, ".tta"));
    writeFileSync(join(cwd, ".tta", "session_groups.json"), JSON.stringify(v1));
    const members = await json(["group", "sessions", "feature-auth"], cwd);
    expect(members.out!.items).toEqual([
      { id: "auth-design-2025-10-01", tracked: false },
      { id: "auth-impl-2025-10-02", tracked: false },
    ]);
    await json(["session", "create", "auth-design-2025-10-01"], cwd);
    const after = (await json(["group", "sessions", "feature-auth"], cwd)).out!.items as {
      id: string;
      tracked: boolean;
    }[];
    expect(after.map((m) => [m.id, m.tracked])).toEqual([
      ["auth-design-2025-10-01", true],
      ["auth-impl-2025-10-02", false],
    ]);
  });
});

describe("a hand-damaged journal", () => {
  it("costs only its own record: the rest works, doctor names the line, repair sets it aside", async () => {
    const cwd = tempWorkspace();
    for (const id of ["one-work-2026-12-03", "two-work-2026-12-03", "three-work-2026-12-03"]) {
      await json(["session", "create", id, "--title", `session ${id}`], cwd);
    }
    await json(["message", "add", "one-work-2026-12-03", "still here"], cwd);
    const journal = join(cwd, ".tta", "ns", "default", "rec", "sessions.jsonl");
    const lines = readFileSync(journal, "utf8").split("\n");
    // Flip one byte of the second session's title: its checksum no longer holds.
    lines[1] = lines[1]!.replace("session two", "sessiom two");
    writeFileSync(journal, lines.join("\n"));
    const listed = (await json(["session", "list"], cwd)).out!.items as { id: string }[];
    expect(listed.map((s) => s.id).sort()).toEqual(["one-work-2026-12-03", "three-work-2026-12-03"]);
    expect((await json(["message", "list", "one-work-2026-12-03"], cwd)).out!.items).toHaveLength(1);
    expect((await errorOf(["session", "show", "two-work-2026-12-03"], cwd)).code).toBe("BACKEND_CORRUPT");
    const doctor = await json(["doctor"], cwd);
    expect(doctor.code).toBe(5);
    expect(doctor.out!.store).toMatchObject({
      inspected: true,
      problems: [{ place: "ns/default/rec/sessions.jsonl", line: 2, repairable: true }],
    });
    const before = readFileSync(journal);
    const dry = await json(["repair", "--dry-run"], cwd);
    expect(dry.out).toMatchObject({ dryRun: true, moved: [{ lines: [2] }] });
    expect(readFileSync(journal).equals(before)).toBe(true);
    const done = await json(["repair"], cwd);
    expect(done.out).toMatchObject({
      dryRun: false,
      moved: [{ place: "ns/default/rec/sessions.jsonl", lines: [2] }],
    });
    expect(readFileSync(`${journal}.corrupt`, "utf8")).toContain("sessiom two");
    expect((await json(["doctor"], cwd)).code).toBe(0);
    expect((await json(["session", "show", "one-work-2026-12-03"], cwd)).code).toBe(0);
    expect((await json(["session", "create", "four-work-2026-12-03"], cwd)).code).toBe(0);
  });
});

describe("--workspace", () => {
  it("runs as if started in that folder, and refuses one that does not exist", async () => {
    const workspace = tempWorkspace();
    const elsewhere = tempWorkspace();
    expect((await json(["--workspace", workspace, "session", "create", S], elsewhere)).code).toBe(0);
    expect((await json(["session", "show", S], workspace)).code).toBe(0);
    expect((await errorOf(["session", "show", S], elsewhere)).code).toBe("SESSION_NOT_FOUND");
    expect(
      await errorOf(["--workspace", join(workspace, "nope"), "session", "list"], elsewhere),
    ).toMatchObject({
      exit: 2,
      code: "VALIDATION_FAILED",
    });
  });
});

describe("backends that would lose what a command writes", () => {
  it("refuses writes on --backend memory and on keyv without a url, but lets doctor report", async () => {
    const cwd = tempWorkspace();
    const memory = await errorOf(["--backend", "memory", "session", "create", S], cwd);
    expect(memory).toMatchObject({ exit: 5, code: "NOT_SUPPORTED" });
    expect(memory.message).toContain("would be lost");
    const keyv = await errorOf(["--backend", "keyv", "memory", "add", "x"], cwd);
    expect(keyv).toMatchObject({ exit: 5, code: "NOT_SUPPORTED" });
    expect((await json(["--backend", "memory", "doctor"], cwd)).code).toBe(0);
    expect((await json(["--backend", "memory", "session", "list"], cwd)).code).toBe(0);
  });
});

describe("what the command line says", () => {
  it("prints JSON for --format json, with or without --json", async () => {
    const cwd = tempWorkspace();
    writeFileSync(
      join(cwd, "PAFCORE.md"),
      "- **ARCH-001**: Rules live here.\n  - Check: file-exists PAFCORE.md\n",
    );
    const text = await runCli(["paf", "validate", "--format", "json"], { cwd });
    expect(text.code).toBe(0);
    expect(JSON.parse(text.stdout)).toMatchObject({ ok: true, summary: { total: 1 } });
    await json(["session", "create", S], cwd);
    const ctx = await runCli(["context", S, "--stage", "plan", "--format", "json"], { cwd });
    expect(JSON.parse(ctx.stdout)).toMatchObject({ stage: "plan", mode: "standard" });
  });

  it("warns on stderr under TTA_NAMING_POLICY=warn and creates the session", async () => {
    const cwd = tempWorkspace();
    const r = await runCli(["session", "create", "MyScratch"], { cwd, env: { TTA_NAMING_POLICY: "warn" } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("tta: warning:");
    expect(r.stderr).toContain("{component}-{purpose}-{YYYY-MM-DD}");
    const quiet = await runCli(["session", "create", "MyOther", "-q"], {
      cwd,
      env: { TTA_NAMING_POLICY: "warn" },
    });
    expect(quiet.stderr).toBe("");
  });

  it("suggests the command or flag meant, and points at the help of the deepest command that exists", async () => {
    const cwd = tempWorkspace();
    const cmd = await runCli(["sesion", "list"], { cwd });
    expect(cmd.code).toBe(2);
    expect(cmd.stderr).toContain("Did you mean session?");
    expect(cmd.stderr).toContain("(see tta --help)");
    const sub = await runCli(["session", "lst"], { cwd });
    expect(sub.stderr).toContain("Did you mean list?");
    expect(sub.stderr).toContain("(see tta session --help)");
    const flag = await errorOf(["session", "list", "--form", "2025-01-01"], cwd);
    expect(flag).toMatchObject({ exit: 2, code: "VALIDATION_FAILED" });
    expect(flag.message).toContain("Did you mean --from?");
    expect(flag.details.suggestion).toBe("--from");
  });

  it("follows one rule for a command without its subcommand: help on stdout, exit 0", async () => {
    for (const argv of [[], ["session"], ["group"], ["paf"]]) {
      const r = await runCli(argv);
      expect(r.code, argv.join(" ")).toBe(0);
      expect(r.stdout, argv.join(" ")).toContain("Usage: tta");
      expect(r.stderr).toBe("");
    }
  });

  it("gives every NAME_INVALID its rule and an example: sessions, memory ids, group names, namespaces", async () => {
    const cwd = tempWorkspace();
    const cases: [string[], string][] = [
      [["session", "create", "Bad_Name"], "sessionId"],
      [["memory", "show", "mem_x"], "id"],
      [["group", "create", "Feature Auth"], "groupId"],
      [["--namespace", "../x", "session", "list"], "namespace"],
    ];
    for (const [argv, field] of cases) {
      const e = await errorOf(argv, cwd);
      expect(e.code, argv.join(" ")).toBe("NAME_INVALID");
      expect(e.details, argv.join(" ")).toMatchObject({ field });
      expect(typeof e.details.pattern).toBe("string");
      expect(e.message).toContain(String(e.details.example));
      const human = await runCli(argv, { cwd });
      expect(human.stderr).toContain(`hint: use ${String(e.details.pattern)}`);
    }
  });

  it("refuses metadata and cache values nested 3 000 levels with VALIDATION_FAILED (exit 2), not a crash", async () => {
    const cwd = tempWorkspace();
    await json(["session", "create", S], cwd);
    const deep = `${'{"a":'.repeat(3000)}1${"}".repeat(3000)}`;
    expect(await errorOf(["cache", "set", S, "k", deep], cwd)).toMatchObject({
      exit: 2,
      code: "VALIDATION_FAILED",
    });
    expect(await errorOf(["message", "add", S, "hi", "--metadata", deep], cwd)).toMatchObject({
      exit: 2,
      code: "VALIDATION_FAILED",
    });
    expect((await json(["cache", "list", S], cwd)).out!.items).toEqual([]);
  });

  it("refuses dates that do not exist and empty messages with VALIDATION_FAILED", async () => {
    const cwd = tempWorkspace();
    await json(["session", "create", S], cwd);
    for (const argv of [
      ["session", "list", "--from", "2025-13-01"],
      ["session", "list", "--to", "2025-02-30"],
      ["message", "list", S, "--since", "2025-02-30T00:00:00.000Z"],
      ["message", "add", S, ""],
      ["message", "add", S, "   "],
    ]) {
      expect(await errorOf(argv, cwd), argv.join(" ")).toMatchObject({ exit: 2, code: "VALIDATION_FAILED" });
    }
    expect((await json(["message", "list", S], cwd)).out!.items).toEqual([]);
  });

  it("warns, exit 1, when a max-lines glob matches no file", async () => {
    const cwd = tempWorkspace();
    writeFileSync(
      join(cwd, "PAFCORE.md"),
      "- **QUAL-001**: Small files.\n  - Check: max-lines 300 srcc/**/*.ts\n",
    );
    const r = await runCli(["paf", "validate"], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("No file matches srcc/**/*.ts");
  });

  it("says that PAFCORE.md is missing, and where it looked, in the context and its explain", async () => {
    const cwd = tempWorkspace();
    await json(["session", "create", S], cwd);
    const md = await runCli(["context", S, "--stage", "plan", "--explain"], { cwd });
    expect(md.stdout).toContain("PAFCORE.md not found (looked in PAFCORE.md, .tta/PAFCORE.md");
    expect(md.stdout).toContain("tta init");
    const out = await json(["context", S, "--stage", "plan"], cwd);
    const explain = (out.out!.context as { explain: { layer: string; reason?: string }[] }).explain;
    expect(explain).toContainEqual(expect.objectContaining({ layer: "pafs", reason: "missing" }));
  });
});
