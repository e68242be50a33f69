import { existsSync } from "node:fs";
import { join } from "node:path";
import { type OperationName, type OutputOf, operations } from "@tta-dev/contract";
import { describe, expect, it } from "vitest";
import { runCli, Source, tempWorkspace } from "./harness.js";

/*
 * End to end in-process: the real handlers of @tta-dev/workflow over the real file backend in a
 * fresh folder, as a user runs `tta` with no setup. Every run opens and closes its own backend.
 */

const S = "auth-design-2025-10-01";

async function ok<N extends OperationName>(
  name: N,
  argv: string[],
  cwd: string,
  stdin?: Source,
): Promise<OutputOf<N>> {
  const r = await runCli([...argv, "--json"], { cwd, ...(stdin ? { stdin } : {}) });
  expect(r.stderr, argv.join(" ")).toBe("");
  expect(r.code, argv.join(" ")).toBe(0);
  return operations[name].output.parse(JSON.parse(r.stdout)) as OutputOf<N>;
}

async function fails(argv: string[], cwd: string): Promise<{ code: number; error: string }> {
  const r = await runCli([...argv, "--json"], { cwd });
  expect(r.stdout).toBe("");
  return { code: r.code, error: (JSON.parse(r.stderr) as { error: { code: string } }).error.code };
}

describe("tta end to end on the file backend", () => {
  it("keeps sessions, messages, cache, memories and groups in .tta/ and loads a stage context", async () => {
    const cwd = tempWorkspace();
    const session = await ok(
      "session.create",
      ["session", "create", S, "--title", "Auth design", "--tag", "Auth"],
      cwd,
    );
    expect(session).toMatchObject({ id: S, tags: ["auth"], status: "active", component: "auth", version: 1 });
    expect(existsSync(join(cwd, ".tta"))).toBe(true);

    await ok("message.append", ["message", "add", S], cwd, new Source(["Use PKCE for the mobile client\n"]));
    await ok(
      "message.append",
      ["message", "add", S, "Then rotate refresh tokens", "--role", "assistant"],
      cwd,
    );
    const messages = await ok("message.list", ["message", "list", S, "--last", "10"], cwd);
    expect(messages.items.map((m) => [m.seq, m.role, m.content])).toEqual([
      [1, "user", "Use PKCE for the mobile client"],
      [2, "assistant", "Then rotate refresh tokens"],
    ]);

    await ok("cache.set", ["cache", "set", S, "current-file", '{"path":"src/auth.ts"}', "--ttl", "1h"], cwd);
    expect(await ok("cache.get", ["cache", "get", S, "current-file"], cwd)).toMatchObject({
      value: { path: "src/auth.ts" },
    });
    expect(await ok("cache.get", ["cache", "get", S, "missing"], cwd)).toBeNull();

    const memory = await ok(
      "memory.create",
      ["memory", "add", "Refresh tokens must rotate", "--kind", "decision", "--tag", "auth"],
      cwd,
    );
    const hits = await ok("memory.search", ["memory", "search", "refresh tokens", "--tag", "auth"], cwd);
    expect(hits.items.map((h) => h.memory.id)).toEqual([memory.id]);

    await ok("group.create", ["group", "create", "feature-auth", "--description", "Authentication"], cwd);
    expect((await ok("group.addSession", ["group", "add", "feature-auth", S], cwd)).added).toBe(true);
    expect((await ok("group.addSession", ["group", "add", "feature-auth", S], cwd)).added).toBe(false);
    const meta = await ok(
      "group.updateMetadata",
      ["group", "meta", "feature-auth", "priority=high", "sprint=42"],
      cwd,
    );
    expect(meta.metadata).toEqual({ priority: "high", sprint: 42 });

    const loaded = await ok("context.load", ["context", S, "--stage", "plan"], cwd);
    expect(loaded.format).toBe("json");
    expect(loaded.context.layers.session.map((m) => m.seq)).toEqual([1, 2]);
    expect(loaded.context.tokens.total).toBeLessThanOrEqual(loaded.context.tokens.budget);

    const human = await runCli(["context", S, "--stage", "plan", "--explain"], { cwd });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain("Use PKCE for the mobile client");
    expect(human.stdout).toContain("Explain");
  });

  it("adds a memory once with --dedupe, and shows the parts of each score with --explain", async () => {
    const cwd = tempWorkspace();
    const first = await ok(
      "memory.create",
      ["memory", "add", "Rotate refresh tokens", "--kind", "decision"],
      cwd,
    );
    const again = await ok(
      "memory.create",
      ["memory", "add", "rotate  refresh tokens.", "--kind", "decision", "--dedupe"],
      cwd,
    );
    expect(again).toEqual(first);
    const copy = await ok(
      "memory.create",
      ["memory", "add", "rotate refresh tokens", "--kind", "decision"],
      cwd,
    );
    expect(copy.id).not.toBe(first.id);
    const plain = await ok("memory.search", ["memory", "search", "token"], cwd);
    expect(plain.items.map((h) => h.explain)).toEqual([undefined, undefined]);
    const explained = await ok("memory.search", ["memory", "search", "token", "--explain"], cwd);
    for (const h of explained.items) {
      expect(h.explain).toMatchObject({ importance: 1, boost: 1, boostedBy: [] });
      expect(h.explain!.text * h.explain!.importance * h.explain!.recency).toBeCloseTo(h.score, 5);
    }
    // The human output prints the parts too.
    const human = await runCli(["memory", "search", "token", "--explain"], { cwd });
    expect(human.stdout).toMatch(
      /explain:\n\s+text: [\d.]+\n\s+importance: 1\n\s+recency: [\d.]+\n\s+boost: 1/,
    );
  });

  it("tta forget --dry-run changes no file under .tta; the real run deletes exactly the receipt's ids", async () => {
    const cwd = tempWorkspace();
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = join(dir, n);
        return statSync(p).isDirectory() ? files(p) : [`${p}\n${readFileSync(p, "latin1")}`];
      });
    await ok("session.create", ["session", "create", S], cwd);
    await ok("message.append", ["message", "add", S, "hello"], cwd);
    await ok("session.archive", ["session", "archive", S], cwd);
    await ok("session.create", ["session", "create", "auth-impl-2025-10-02"], cwd);
    const low = await ok("memory.create", ["memory", "add", "Minor note", "--importance", "0.1"], cwd);
    const pin = await ok(
      "memory.create",
      ["memory", "add", "Pinned note", "--importance", "0.1", "--pin"],
      cwd,
    );
    const flags = ["--layer", "sessions", "--status", "archived"];
    const before = files(join(cwd, ".tta")).sort();
    const dry = await ok("forget", ["forget", ...flags, "--dry-run"], cwd);
    expect(files(join(cwd, ".tta")).sort()).toEqual(before);
    expect(dry).toMatchObject({ dryRun: true, sessions: { count: 1, ids: [S] }, messages: 1 });
    const real = await ok("forget", ["forget", ...flags], cwd);
    expect({ ...real, dryRun: true }).toEqual(dry);
    expect((await fails(["session", "show", S], cwd)).error).toBe("SESSION_NOT_FOUND");
    await ok("session.get", ["session", "show", "auth-impl-2025-10-02"], cwd);
    const memories = await ok(
      "forget",
      ["forget", "--layer", "memories", "--importance-below", "0.5", "--older-than", "1ms"],
      cwd,
    );
    expect(memories.memories.ids).toEqual([low.id]);
    await ok("memory.get", ["memory", "show", pin.id], cwd);
    expect(await fails(["forget"], cwd)).toEqual({ code: 2, error: "VALIDATION_FAILED" });
    expect(await fails(["forget", "--older-than", "soon"], cwd)).toEqual({
      code: 2,
      error: "VALIDATION_FAILED",
    });
  });

  it("exits with the code of the domain error", async () => {
    const cwd = tempWorkspace();
    await ok("session.create", ["session", "create", S], cwd);
    expect(await fails(["session", "create", S], cwd)).toEqual({ code: 4, error: "ALREADY_EXISTS" });
    expect(await fails(["session", "show", "other-thing-2025-01-01"], cwd)).toEqual({
      code: 3,
      error: "SESSION_NOT_FOUND",
    });
    await ok("group.create", ["group", "create", "feature-auth"], cwd);
    await ok("group.setStatus", ["group", "close", "feature-auth", "--summary", "done"], cwd);
    expect(await fails(["group", "add", "feature-auth", S], cwd)).toEqual({
      code: 4,
      error: "GROUP_NOT_ACTIVE",
    });
    await ok("group.setStatus", ["group", "archive", "feature-auth"], cwd);
    expect(await fails(["group", "reopen", "feature-auth"], cwd)).toEqual({
      code: 4,
      error: "INVALID_TRANSITION",
    });
    const memory = await ok("memory.create", ["memory", "add", "x"], cwd);
    expect(
      await fails(["memory", "update", memory.id, "--importance", "1", "--if-version", "7"], cwd),
    ).toEqual({
      code: 4,
      error: "VERSION_CONFLICT",
    });
  });

  it("writes nothing when a message is over the limit", async () => {
    const cwd = tempWorkspace();
    await ok("session.create", ["session", "create", S], cwd);
    const big = new Source(["y".repeat(1024 * 1024 + 1)]);
    const r = await runCli(["message", "add", S, "--json"], { cwd, stdin: big });
    expect(r.code).toBe(2);
    expect((await ok("message.list", ["message", "list", S], cwd)).items).toEqual([]);
  });

  it("keeps namespaces apart", async () => {
    const cwd = tempWorkspace();
    await ok("session.create", ["session", "create", S, "--namespace", "team-a"], cwd);
    expect(await fails(["session", "show", S, "--namespace", "team-b"], cwd)).toEqual({
      code: 3,
      error: "SESSION_NOT_FOUND",
    });
    const r = await runCli(["session", "show", S, "--json"], { cwd, env: { TTA_NAMESPACE: "team-a" } });
    expect(r.code).toBe(0);
  });

  it("validates the starter PAFCORE.md of tta init, and reports a missing one as PAF_FILE_NOT_FOUND", async () => {
    const cwd = tempWorkspace();
    expect(await fails(["paf", "list"], cwd)).toEqual({ code: 3, error: "PAF_FILE_NOT_FOUND" });
    await runCli(["init"], { cwd });
    const list = await ok("paf.list", ["paf", "list"], cwd);
    expect(list.items.map((p) => p.id)).toEqual(["ARCH-001", "LANG-001"]);
    const report = await runCli(["paf", "validate"], { cwd });
    expect(report.code).toBe(0);
    expect(report.stdout).toContain("ARCH-001");
  });

  it("keeps its data where --dir says, and only there", async () => {
    const cwd = tempWorkspace();
    await ok("session.create", ["session", "create", S, "--dir", "elsewhere"], cwd);
    expect(existsSync(join(cwd, "elsewhere"))).toBe(true);
    expect(existsSync(join(cwd, ".tta"))).toBe(false);
    expect(await fails(["session", "show", S], cwd)).toEqual({ code: 3, error: "SESSION_NOT_FOUND" });
    const r = await runCli(["session", "show", S, "--json"], { cwd, env: { TTA_DIR: "elsewhere" } });
    expect(r.code).toBe(0);
  });
});
