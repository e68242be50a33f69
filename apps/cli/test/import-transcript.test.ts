import { execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnTta, ttaCommand } from "./child.js";

/*
 * `tta import transcript` through the built binary: on top of what the hook captured live, killed
 * mid-import and run again, and on a 100 MB transcript.
 */

const today = new Date().toISOString().slice(0, 10);
const line = (o: object) => `${JSON.stringify(o)}\n`;

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "tta-import-"));
  execFileSync("git", ["init", "-q", "-b", "feature/user-prefs", dir]);
  mkdirSync(join(dir, ".tta"));
  return dir;
}

async function tta(cwd: string, argv: string[], input = "") {
  return spawnTta(argv, { cwd, input, useDist: true, env: { HOME: cwd } }).done;
}

async function ttaJson<T>(cwd: string, argv: string[]): Promise<T> {
  const r = await tta(cwd, [...argv, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
}

interface Stored {
  seq: number;
  role: string;
  content: string;
  idempotencyKey?: string;
}

/** Every message of a session, page by page. */
async function allMessages(cwd: string, session: string): Promise<Stored[]> {
  const out: Stored[] = [];
  for (;;) {
    const after = out.at(-1)?.seq ?? 0;
    const page = await ttaJson<{ items: Stored[] }>(cwd, [
      "message",
      "list",
      session,
      "--after",
      String(after),
      "--limit",
      "1000",
    ]);
    out.push(...page.items);
    if (page.items.length < 1000) return out;
  }
}

interface Summary {
  sessions: string[];
  messages: number;
  imported: number;
  existing: number;
  skipped: number;
  skippedBy: Record<string, number>;
}

const SESSION = `user-prefs-feature-${today}`;

describe("tta import transcript (built binary)", () => {
  it("stores nothing new for a session the hook captured live (prompts and replies, a repeated prompt)", async () => {
    const cwd = repo();
    const t = join(cwd, "cc-7.jsonl");
    writeFileSync(t, "");
    const base = { session_id: "cc-7", transcript_path: t, cwd };
    const hook = async (event: object) => {
      const r = await spawnTta(["hook", "claude-code"], {
        cwd,
        useDist: true,
        env: { HOME: cwd },
        input: JSON.stringify({ ...base, ...event }),
      }).done;
      expect([r.code, r.stderr]).toEqual([0, ""]);
    };
    const user = (uuid: string, content: unknown) =>
      line({ type: "user", uuid, sessionId: "cc-7", cwd, message: { role: "user", content } });
    const assistant = (uuid: string, content: unknown) =>
      line({ type: "assistant", uuid, sessionId: "cc-7", cwd, message: { role: "assistant", content } });

    // Claude Code runs UserPromptSubmit before it writes the prompt's line…
    await hook({ hook_event_name: "UserPromptSubmit", prompt: "Plan the cache" });
    appendFileSync(
      t,
      user("u1", "Plan the cache") +
        assistant("a1", [
          { type: "text", text: "Reading the module." },
          { type: "tool_use", id: "t1", name: "Read", input: { file_path: "src/cache.ts" } },
        ]) +
        user("r1", [{ type: "tool_result", tool_use_id: "t1", content: "export const cache = …" }]) +
        assistant("a2", [{ type: "text", text: "Plan: one hash per user." }]),
    );
    await hook({ hook_event_name: "Stop" });
    await hook({ hook_event_name: "UserPromptSubmit", prompt: "continue" });
    appendFileSync(t, user("u2", "continue") + assistant("a3", "Step 1 done."));
    await hook({ hook_event_name: "Stop" });
    // …or, as with a resumed session, after the line is there.
    appendFileSync(t, user("u3", "continue"));
    await hook({ hook_event_name: "UserPromptSubmit", prompt: "continue" });
    appendFileSync(t, assistant("a4", "Step 2 done."));
    await hook({ hook_event_name: "Stop" });
    const live = await allMessages(cwd, SESSION);
    expect(live.map((m) => m.content)).toEqual([
      "Plan the cache",
      'Reading the module.\n\n→ Read {"file_path":"src/cache.ts"}',
      "Plan: one hash per user.",
      "continue",
      "Step 1 done.",
      "continue",
      "Step 2 done.",
    ]);

    const summary = await ttaJson<Summary>(cwd, ["import", "transcript", t]);
    expect(summary).toMatchObject({ sessions: [SESSION], messages: 7, imported: 0, existing: 7 });
    expect(await allMessages(cwd, SESSION)).toEqual(live);
  });

  it("completes after a SIGKILL mid-import without storing any message twice", async () => {
    const cwd = repo();
    writeFileSync(join(cwd, ".tta", "config.yaml"), "limits:\n  batchAppend: 20\n");
    const t = join(cwd, "big.jsonl");
    const n = 6000;
    let text = "";
    for (let i = 0; i < n; i++) {
      text += line({ role: i % 2 ? "assistant" : "user", content: `message ${i} ${"x".repeat(200)}` });
    }
    writeFileSync(t, text);
    await tta(cwd, ["session", "create", "cache-import-2026-01-01"]);
    const log = join(cwd, ".tta", "ns", "default", "log", "messages", "cache-import-2026-01-01.jsonl");
    const run = spawnTta(["import", "transcript", t, "--session", "cache-import-2026-01-01"], {
      cwd,
      useDist: true,
      env: { HOME: cwd },
    });
    const stored = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").length - 1 : 0);
    const started = Date.now();
    while (stored() < 200 && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 5));
    run.child.kill("SIGKILL");
    const killed = await run.done;
    expect(killed.signal ?? killed.code).toBe("SIGKILL");
    const before = (await allMessages(cwd, "cache-import-2026-01-01")).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(n);

    const summary = await ttaJson<Summary>(cwd, [
      "import",
      "transcript",
      t,
      "--session",
      "cache-import-2026-01-01",
    ]);
    expect(summary).toMatchObject({ messages: n, imported: n - before, existing: before });
    const all = await allMessages(cwd, "cache-import-2026-01-01");
    expect(all.map((m) => m.content)).toEqual(
      Array.from({ length: n }, (_, i) => `message ${i} ${"x".repeat(200)}`),
    );
    expect(new Set(all.map((m) => m.idempotencyKey)).size).toBe(n);
  }, 90_000);

  it("imports a 100 MB transcript with flat memory, every message once, and nothing on a second import", async () => {
    const cwd = repo();
    const dir = mkdtempSync(join(tmpdir(), "tta-big-"));
    const t = join(dir, "cc-big.jsonl");
    const fd = openSync(t, "w");
    const toolOutput = "y".repeat(150_000);
    const pairs = 3000;
    try {
      let previous = "start";
      for (let i = 0; i < pairs; i++) {
        let chunk =
          line({
            type: "user",
            uuid: `u${i}`,
            parentUuid: previous,
            sessionId: "cc-big",
            cwd,
            message: { role: "user", content: `prompt ${i}` },
          }) +
          line({
            type: "assistant",
            uuid: `a${i}`,
            parentUuid: `u${i}`,
            sessionId: "cc-big",
            message: {
              role: "assistant",
              content: [
                { type: "text", text: `reply ${i}` },
                { type: "tool_use", id: `t${i}`, name: "Bash", input: { command: "ls" } },
              ],
            },
          });
        if (i % 5 === 0) {
          chunk += line({
            type: "user",
            uuid: `r${i}`,
            sessionId: "cc-big",
            message: {
              role: "user",
              content: [{ type: "tool_result", tool_use_id: `t${i}`, content: toolOutput }],
            },
            toolUseResult: { stdout: toolOutput },
          });
        }
        if (i === 1000) chunk += "this line is not JSON\n";
        if (i === 2000)
          chunk += `${JSON.stringify({ type: "assistant", uuid: "huge", message: { content: "z".repeat(9 << 20) } })}\n`;
        writeSync(fd, chunk);
        previous = `a${i}`;
      }
    } finally {
      closeSync(fd);
    }
    try {
      expect(statSync(t).size).toBeGreaterThan(100e6);
      const timed = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
        const argv = [process.execPath, ...ttaCommand(true), "import", "transcript", t, "--json"];
        const timer = existsSync("/usr/bin/time") ? ["/usr/bin/time", "-f", "maxrss_kb=%M"] : [];
        const [command, ...args] = [...timer, ...argv] as [string, ...string[]];
        const child = spawn(command, args, {
          cwd,
          env: { PATH: process.env.PATH ?? "", HOME: cwd },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (code) => done({ code, stdout, stderr }));
      });
      expect(timed.code, timed.stderr).toBe(0);
      const summary = JSON.parse(timed.stdout) as Summary;
      expect(summary).toMatchObject({ messages: pairs * 2, imported: pairs * 2, existing: 0, skipped: 2 });
      expect(summary.skippedBy).toMatchObject({ notJson: 1, tooLong: 1 });
      const rss = /maxrss_kb=(\d+)/.exec(timed.stderr);
      if (rss) expect(Number(rss[1]) / 1024).toBeLessThan(250);
      else console.warn("import-transcript: /usr/bin/time is missing: peak memory was NOT measured");

      const stored = await allMessages(cwd, summary.sessions[0]!);
      expect(stored).toHaveLength(pairs * 2);
      expect(new Set(stored.map((m) => m.idempotencyKey)).size).toBe(pairs * 2);
      expect(stored.filter((m) => m.role === "user").map((m) => m.content)).toEqual(
        Array.from({ length: pairs }, (_, i) => `prompt ${i}`),
      );

      const again = await ttaJson<Summary>(cwd, ["import", "transcript", t]);
      expect(again).toMatchObject({ sessions: summary.sessions, imported: 0, existing: pairs * 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
