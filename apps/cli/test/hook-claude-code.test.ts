import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, spawnNode } from "@tta-dev/testkit/node";
import { startRedisServer } from "@tta-dev/testkit/redis";
import { describe, expect, it } from "vitest";
import { spawnTta } from "./child.js";

/*
 * `tta hook claude-code` as Claude Code runs it: a fresh process per event, the event as JSON on
 * stdin (the documented fields: session_id, transcript_path, cwd, hook_event_name, source, prompt),
 * the built binary, a real git repository and real transcript files (JSONL).
 */

const today = new Date().toISOString().slice(0, 10);

/** A git repository on branch feature/user-prefs, with its own `.tta/`. */
function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "tta-hook-"));
  execFileSync("git", ["init", "-q", "-b", "feature/user-prefs", dir]);
  mkdirSync(join(dir, ".tta"));
  return dir;
}

async function hook(cwd: string, event: object | string, env: Record<string, string> = {}) {
  const input = typeof event === "string" ? event : JSON.stringify({ cwd, ...event });
  const started = Date.now();
  const r = await spawnTta(["hook", "claude-code"], { cwd, input, useDist: true, env: { HOME: cwd, ...env } })
    .done;
  return { ...r, ms: Date.now() - started };
}

async function tta(cwd: string, argv: string[]) {
  const r = await spawnTta([...argv, "--json"], { cwd, useDist: true, env: { HOME: cwd } }).done;
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const SESSION = `user-prefs-feature-${today}`;

/** Time of a fresh `tta --version`: what this machine adds to any process's time right now. */
/**
 * The limit of a hook run given `floor`, a fresh `tta --version` measured just before it: 1 s on top of
 * the floor, or, on a machine so loaded that start-up is slow, six floors on top of the 800 ms a hook
 * waits for a busy store (the hook loads more than `--version` does, and a loaded machine slows all of
 * it alike). Either way far below the 20 s a hook would take if it waited for the lock.
 */
const hookLimitMs = (floor: number) => Math.max(1_000 + floor, 800 + 6 * floor);

async function startupMs(cwd: string): Promise<number> {
  const started = Date.now();
  await spawnTta(["--version"], { cwd, useDist: true }).done;
  return Date.now() - started;
}

async function contents(cwd: string): Promise<{ role: string; content: string }[]> {
  const out: { role: string; content: string; seq: number }[] = [];
  for (;;) {
    const page = (await tta(cwd, [
      "message",
      "list",
      SESSION,
      "--after",
      String(out.at(-1)?.seq ?? 0),
      "--limit",
      "1000",
    ])) as {
      items: { role: string; content: string; seq: number }[];
    };
    out.push(...page.items);
    if (page.items.length < 1000) return out;
  }
}

function line(o: object): string {
  return `${JSON.stringify(o)}\n`;
}

describe("tta hook claude-code", () => {
  it("SessionStart (every source) creates one session named from the branch and prints additionalContext", async () => {
    const cwd = repo();
    for (const source of ["startup", "resume", "clear", "compact"]) {
      const r = await hook(cwd, { session_id: "cc-1", hook_event_name: "SessionStart", source });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as {
        hookSpecificOutput: { hookEventName: string; additionalContext: string };
      };
      expect(out.hookSpecificOutput.hookEventName).toBe("SessionStart");
      expect(out.hookSpecificOutput.additionalContext).toContain(SESSION);
    }
    const list = (await tta(cwd, ["session", "list"])) as { items: { id: string }[] };
    expect(list.items.map((s) => s.id)).toEqual([SESSION]);
  });

  it("UserPromptSubmit stores the prompt once, however often the event is replayed", async () => {
    const cwd = repo();
    const event = { session_id: "cc-2", hook_event_name: "UserPromptSubmit", prompt: "Add a Redis cache" };
    for (let i = 0; i < 2; i++) {
      const r = await hook(cwd, event);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe("");
    }
    const { items } = (await tta(cwd, ["message", "list", SESSION])) as {
      items: { role: string; content: string }[];
    };
    expect(items.map((m) => [m.role, m.content])).toEqual([["user", "Add a Redis cache"]]);
  });

  it("Stop captures the transcript's new assistant lines once, and a truncated last line on the next run", async () => {
    const cwd = repo();
    const transcript = join(cwd, "transcript.jsonl");
    writeFileSync(
      transcript,
      line({ type: "user", uuid: "u1", message: { role: "user", content: "Add a Redis cache" } }) +
        line({
          type: "assistant",
          uuid: "a1",
          message: {
            role: "assistant",
            content: [
              { type: "text", text: "I will edit the cache module." },
              { type: "tool_use", name: "Edit", input: { file_path: "src/cache.ts" } },
            ],
          },
        }) +
        '{"type":"assistant","uuid":"a2","message":{"role":"assistant","content":"Done',
    );
    const stop = { session_id: "cc-3", hook_event_name: "Stop", transcript_path: transcript };
    for (let i = 0; i < 2; i++) expect((await hook(cwd, stop)).code).toBe(0);
    const first = (await tta(cwd, ["message", "list", SESSION])) as {
      items: { role: string; content: string }[];
    };
    const assistant = first.items.filter((m) => m.role === "assistant");
    expect(assistant).toHaveLength(1);
    expect(assistant[0]!.content).toContain("I will edit the cache module.");
    expect(assistant[0]!.content).toContain("Edit");

    appendFileSync(transcript, '."}}\n');
    for (let i = 0; i < 2; i++) expect((await hook(cwd, stop)).code).toBe(0);
    const after = (await tta(cwd, ["message", "list", SESSION])) as {
      items: { role: string; content: string }[];
    };
    expect(after.items.filter((m) => m.role === "assistant").map((m) => m.content.slice(0, 5))).toEqual([
      "I wil",
      "Done.",
    ]);
  });

  it("replaying a whole session's event stream twice stores each message once; SessionEnd can complete it", async () => {
    const cwd = repo();
    const transcript = join(cwd, "t.jsonl");
    writeFileSync(
      transcript,
      line({ type: "user", uuid: "u1", message: { role: "user", content: "Plan the cache" } }) +
        line({
          type: "assistant",
          uuid: "a1",
          message: { role: "assistant", content: [{ type: "text", text: "Plan: a hash per user." }] },
        }) +
        line({
          type: "assistant",
          uuid: "s1",
          isSidechain: true,
          message: { role: "assistant", content: [{ type: "text", text: "Subagent: found 3 call sites." }] },
        }),
    );
    const base = { session_id: "cc-6", transcript_path: transcript };
    const stream = [
      { ...base, hook_event_name: "SessionStart", source: "startup" },
      { ...base, hook_event_name: "UserPromptSubmit", prompt: "Plan the cache" },
      { ...base, hook_event_name: "SubagentStop" },
      { ...base, hook_event_name: "Stop" },
      { ...base, hook_event_name: "PreCompact", trigger: "auto" },
      { ...base, hook_event_name: "SessionStart", source: "compact" },
    ];
    for (let round = 0; round < 2; round++) {
      for (const event of stream) {
        const r = await hook(cwd, event);
        expect(r.code, `${event.hook_event_name}: ${r.stderr}`).toBe(0);
        if (event.hook_event_name !== "SessionStart") expect(r.stdout, event.hook_event_name).toBe("");
      }
    }
    const { items } = (await tta(cwd, ["message", "list", SESSION])) as {
      items: { role: string; content: string }[];
    };
    const texts = items.map((m) => m.content);
    expect(texts.filter((t) => t === "Plan the cache")).toHaveLength(1);
    expect(texts.filter((t) => t.includes("Plan: a hash per user."))).toHaveLength(1);
    expect(texts.filter((t) => t.includes("Subagent: found 3 call sites."))).toHaveLength(1);

    const end = await spawnTta(["hook", "claude-code", "--complete-on-end"], {
      cwd,
      useDist: true,
      env: { HOME: cwd },
      input: JSON.stringify({ ...base, cwd, hook_event_name: "SessionEnd", reason: "exit" }),
    }).done;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stdout).toBe("");
    const session = await tta(cwd, ["session", "show", SESSION]);
    expect(session.status).toBe("completed");
  });

  it("on Redis: the same event stream, replayed, stores each message once in the session the hook maps to", async () => {
    const cwd = repo();
    const redis = await startRedisServer();
    try {
      const env = { TTA_BACKEND: "redis", TTA_REDIS_URL: redis.url };
      const transcript = join(cwd, "r.jsonl");
      writeFileSync(
        transcript,
        line({ type: "user", uuid: "u1", message: { role: "user", content: "Shard the cache" } }) +
          line({
            type: "assistant",
            uuid: "a1",
            message: { role: "assistant", content: "Sharding by user id." },
          }),
      );
      const base = { session_id: "cc-15", transcript_path: transcript };
      const stream = [
        { ...base, hook_event_name: "SessionStart", source: "startup" },
        { ...base, hook_event_name: "UserPromptSubmit", prompt: "Shard the cache" },
        { ...base, hook_event_name: "Stop" },
      ];
      for (let round = 0; round < 2; round++) {
        for (const event of stream) {
          const r = await hook(cwd, event, env);
          expect([r.code, r.stderr], event.hook_event_name).toEqual([0, ""]);
        }
      }
      const r = await spawnTta(["message", "list", SESSION, "--json"], {
        cwd,
        useDist: true,
        env: { HOME: cwd, ...env },
      }).done;
      expect(r.code, r.stderr).toBe(0);
      const items = (JSON.parse(r.stdout) as { items: { content: string }[] }).items;
      expect(items.map((m) => m.content)).toEqual(["Shard the cache", "Sharding by user id."]);
    } finally {
      await redis.stop();
    }
  });

  it("exits 0 with nothing on stdout for malformed, hostile or oversized input, and stores nothing", async () => {
    const cwd = repo();
    const inputs = [
      "not json",
      "[]",
      '{"__proto__":{"x":1},"session_id":"cc-4","hook_event_name":"UserPromptSubmit","prompt":"p"}',
      JSON.stringify({
        session_id: "cc-4",
        hook_event_name: "UserPromptSubmit",
        prompt: "x".repeat(5 << 20),
      }),
    ];
    for (const input of inputs) {
      const r = await hook(cwd, input);
      expect(r.code, input.slice(0, 40)).toBe(0);
      expect(r.stdout, input.slice(0, 40)).toBe("");
      expect(r.stderr, input.slice(0, 40)).toMatch(/tta hook/);
    }
    const list = (await tta(cwd, ["session", "list"])) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it("gives up within about a second when Redis is down, exiting 0 with nothing on stdout", async () => {
    const cwd = repo();
    const port = await freePort();
    const r = await hook(
      cwd,
      { session_id: "cc-5", hook_event_name: "SessionStart", source: "startup" },
      { TTA_BACKEND: "redis", TTA_REDIS_URL: `redis://127.0.0.1:${port}` },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/tta hook/);
    // The hook's own budget is 800 ms; a fresh process adds its start-up (a guard, not a benchmark).
    expect(r.ms).toBeLessThan(2_000);
  });

  it("finishes within a second while another process holds the store's lock, records nothing, and records on the next run", async () => {
    const cwd = repo();
    const prompt = (text: string) => ({
      session_id: "cc-7",
      hook_event_name: "UserPromptSubmit",
      prompt: text,
    });
    expect((await hook(cwd, prompt("first"))).code).toBe(0);
    const lockPath = join(cwd, ".tta", "ns", "default", "log", "messages", `${SESSION}.jsonl.lock`);
    const worker = fileURLToPath(new URL("./workers/hold-lock.mjs", import.meta.url));
    const holder = spawnNode([worker, join(cwd, ".tta"), lockPath, "20000"]);
    try {
      await holder.waitFor(/holding/, { timeoutMs: 20_000 });
      const floor = await startupMs(cwd);
      const r = await hook(cwd, prompt("second"));
      expect(r.code).toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/^tta hook: error BACKEND_UNAVAILABLE: gave up after 800 ms .*not recorded/);
      // Within 1 s on top of a fresh process's start-up, as measured just now (see hookLimitMs).
      expect(r.ms, `floor ${floor} ms`).toBeLessThan(hookLimitMs(floor));
    } finally {
      holder.child.kill("SIGKILL");
      await holder.exited;
    }
    expect((await contents(cwd)).map((m) => m.content)).toEqual(["first"]);
    // The holder is gone (killed, its lock left behind): the next run breaks the lock and records.
    expect((await hook(cwd, prompt("second"))).stderr).toBe("");
    expect((await contents(cwd)).map((m) => m.content)).toEqual(["first", "second"]);
  });

  it("a prompt with multi-part content in the transcript (text and an image) is stored once, before and after the transcript has it", async () => {
    const cwd = repo();
    const transcript = join(cwd, "multi.jsonl");
    writeFileSync(
      transcript,
      line({ type: "assistant", uuid: "a0", message: { role: "assistant", content: "Ready." } }),
    );
    const event = {
      session_id: "cc-8",
      hook_event_name: "UserPromptSubmit",
      transcript_path: transcript,
      prompt: "Why does this page render blank?",
    };
    expect((await hook(cwd, event)).code).toBe(0);
    appendFileSync(
      transcript,
      line({
        type: "user",
        uuid: "u1",
        message: {
          role: "user",
          content: [
            { type: "text", text: "Why does this page render blank?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          ],
        },
      }) +
        line({
          type: "assistant",
          uuid: "a1",
          message: { role: "assistant", content: [{ type: "text", text: "A CSS rule hides it." }] },
        }),
    );
    expect((await hook(cwd, event)).code).toBe(0);
    expect((await hook(cwd, { ...event, hook_event_name: "Stop" })).code).toBe(0);
    // "Ready." was written before tta's first event: the first Stop finds it and appends it.
    expect((await contents(cwd)).map((m) => [m.role, m.content])).toEqual([
      ["user", "Why does this page render blank?"],
      ["assistant", "Ready."],
      ["assistant", "A CSS rule hides it."],
    ]);
  });

  it("a prompt after a reply larger than the tail window is stored once, by UserPromptSubmit and Stop alike", async () => {
    const cwd = repo();
    const transcript = join(cwd, "big-reply.jsonl");
    writeFileSync(
      transcript,
      line({ type: "user", uuid: "u0", message: { role: "user", content: "Dump the schema" } }) +
        line({
          type: "assistant",
          uuid: "a0",
          message: { role: "assistant", content: "s".repeat(1_500_000) },
        }),
    );
    const event = {
      session_id: "cc-14",
      hook_event_name: "UserPromptSubmit",
      transcript_path: transcript,
      prompt: "Now the indexes",
    };
    expect((await hook(cwd, event)).stderr).toBe("");
    appendFileSync(
      transcript,
      line({ type: "user", uuid: "u1", message: { role: "user", content: "Now the indexes" } }) +
        line({ type: "assistant", uuid: "a1", message: { role: "assistant", content: "Two indexes." } }),
    );
    expect((await hook(cwd, { ...event, hook_event_name: "Stop" })).stderr).toBe("");
    expect((await contents(cwd)).map((m) => m.content.slice(0, 20))).toEqual([
      "Now the indexes",
      "Dump the schema",
      "s".repeat(20),
      "Two indexes.",
    ]);
  });

  it("a line over the limit and longer than a run's window is skipped, and what follows it is captured", async () => {
    const cwd = repo();
    const transcript = join(tmpdir(), `tta-hook-17mb-${process.pid}-${Date.now()}.jsonl`);
    try {
      writeFileSync(
        transcript,
        line({ type: "user", uuid: "u0", message: { role: "user", content: "Read the dump" } }),
      );
      const huge = {
        type: "user",
        uuid: "t0",
        message: { role: "user", content: [{ type: "tool_result", content: "" }] },
      };
      const text = JSON.stringify(huge).replace('"content":""', `"content":"${"d".repeat(17 << 20)}"`);
      appendFileSync(transcript, `${text}\n`);
      appendFileSync(
        transcript,
        line({
          type: "assistant",
          uuid: "a1",
          message: { role: "assistant", content: "The dump is empty." },
        }) + line({ type: "user", uuid: "u1", message: { role: "user", content: "Then stop" } }),
      );
      const stop = { session_id: "cc-16", hook_event_name: "Stop", transcript_path: transcript };
      for (let i = 0; i < 4; i++) expect((await hook(cwd, stop)).code).toBe(0);
      expect((await contents(cwd)).map((m) => m.content)).toEqual([
        "Read the dump",
        "The dump is empty.",
        "Then stop",
      ]);
    } finally {
      rmSync(transcript, { force: true });
    }
  }, 120_000);

  it("replaying a long session's prompts (more than 512 KiB of transcript after them) stores nothing again", async () => {
    const cwd = repo();
    const transcript = join(cwd, "long.jsonl");
    writeFileSync(transcript, "");
    const base = { session_id: "cc-17", transcript_path: transcript };
    const prompts: object[] = [];
    for (let turn = 0; turn < 6; turn++) {
      const prompt = { ...base, hook_event_name: "UserPromptSubmit", prompt: `Step ${turn}: go on` };
      prompts.push(prompt);
      expect((await hook(cwd, prompt)).stderr).toBe("");
      appendFileSync(
        transcript,
        line({ type: "user", uuid: `u${turn}`, message: { role: "user", content: `Step ${turn}: go on` } }) +
          line({
            type: "user",
            uuid: `t${turn}`,
            message: { role: "user", content: [{ type: "tool_result", content: "r".repeat(200_000) }] },
          }) +
          line({
            type: "assistant",
            uuid: `a${turn}`,
            message: { role: "assistant", content: `Done ${turn}.` },
          }),
      );
      expect((await hook(cwd, { ...base, hook_event_name: "Stop" })).stderr).toBe("");
    }
    const before = (await contents(cwd)).map((m) => m.content);
    expect(before).toHaveLength(12);
    for (const prompt of prompts) expect((await hook(cwd, prompt)).stderr).toBe("");
    expect((await contents(cwd)).map((m) => m.content)).toEqual(before);
  });

  it("known limit: a prompt equal to the transcript's last occurrence of it is taken for a replay at submit, and stored at Stop", async () => {
    // A prompt's key is its text and the transcript line before it. The same text typed again looks
    // like the earlier event seen again (its line, its anchor), so UserPromptSubmit stores nothing;
    // the next Stop reads the new prompt's own line from the transcript and stores it, in its place.
    const cwd = repo();
    const transcript = join(cwd, "lag.jsonl");
    writeFileSync(
      transcript,
      line({ type: "user", uuid: "u0", message: { role: "user", content: "Plan it" } }),
    );
    const event = {
      session_id: "cc-9",
      hook_event_name: "UserPromptSubmit",
      transcript_path: transcript,
      prompt: "continue",
    };
    for (let i = 0; i < 2; i++) expect((await hook(cwd, event)).code).toBe(0);
    expect((await contents(cwd)).map((m) => m.content)).toEqual(["continue"]);
    appendFileSync(
      transcript,
      line({ type: "user", uuid: "u1", message: { role: "user", content: "continue" } }) +
        line({ type: "assistant", uuid: "a1", message: { role: "assistant", content: "Step two." } }),
    );
    expect((await hook(cwd, event)).code).toBe(0);
    expect((await contents(cwd)).map((m) => m.content)).toEqual(["continue"]);
    appendFileSync(
      transcript,
      line({ type: "user", uuid: "u2", message: { role: "user", content: "continue" } }) +
        line({ type: "assistant", uuid: "a2", message: { role: "assistant", content: "Step three." } }),
    );
    const stop = { ...event, hook_event_name: "Stop" };
    for (let i = 0; i < 2; i++) expect((await hook(cwd, stop)).code).toBe(0);
    // "Plan it" was typed before tta's hook ran: the transcript is where it is found.
    expect((await contents(cwd)).map((m) => m.content)).toEqual([
      "continue",
      "Plan it",
      "Step two.",
      "continue",
      "Step three.",
    ]);
  });

  it("a 100 MB transcript is captured over several Stop runs, each within its budget, every message once", async () => {
    const cwd = repo();
    const transcript = join(tmpdir(), `tta-hook-100mb-${process.pid}-${Date.now()}.jsonl`);
    try {
      const toolOutput = "x".repeat(100_000);
      const chunks: string[] = [];
      let assistants = 0;
      for (let i = 0; i < 1_000; i++) {
        chunks.push(
          line({
            type: "user",
            uuid: `t${i}`,
            message: {
              role: "user",
              content: [{ type: "tool_result", tool_use_id: `tu${i}`, content: toolOutput }],
            },
          }),
        );
        for (let j = 0; j < 2; j++) {
          chunks.push(
            line({
              type: "assistant",
              uuid: `a${i}-${j}`,
              message: {
                role: "assistant",
                content: [{ type: "text", text: `Reply ${assistants++}: the cache module is next.` }],
              },
            }),
          );
        }
        if (i === 500) chunks.push("this line is not JSON\n");
        if (chunks.length >= 200) {
          appendFileSync(transcript, chunks.join(""));
          chunks.length = 0;
        }
      }
      appendFileSync(transcript, chunks.join(""));
      expect(statSync(transcript).size).toBeGreaterThan(100_000_000);
      const stop = { session_id: "cc-10", hook_event_name: "Stop", transcript_path: transcript };
      let runs = 0;
      let before = -1;
      let count = 0;
      while (count !== before && runs < 60) {
        before = count;
        // What this machine adds to a process right now, measured beside each run (tests run in parallel).
        const floor = await startupMs(cwd);
        const r = await hook(cwd, stop);
        runs++;
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toBe("");
        expect(r.stderr).not.toMatch(/error/);
        expect(r.ms, `floor ${floor} ms`).toBeLessThan(hookLimitMs(floor));
        count = (await contents(cwd)).length;
      }
      const stored = await contents(cwd);
      expect(stored).toHaveLength(assistants);
      expect(new Set(stored.map((m) => m.content)).size).toBe(assistants);
      expect(stored.every((m) => m.role === "assistant")).toBe(true);
      expect(runs).toBeGreaterThan(2); // the per-run read limit split the work
    } finally {
      rmSync(transcript, { force: true });
    }
  }, 300_000);

  it("a missing or unreadable transcript is a warning on stderr and in .tta/logs/hook.log; errors are logged too", async () => {
    const cwd = repo();
    const missing = join(cwd, "gone.jsonl");
    const r = await hook(cwd, { session_id: "cc-11", hook_event_name: "Stop", transcript_path: missing });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^tta hook: warning: transcript ".*gone\.jsonl" is not a readable \.jsonl file; nothing captured/,
    );
    const dir = await hook(cwd, { session_id: "cc-11", hook_event_name: "Stop", transcript_path: cwd });
    expect(dir.stderr).toMatch(/warning: transcript/);
    expect((await hook(cwd, "{oops")).stderr).toMatch(/error VALIDATION_FAILED/);
    const log = readFileSync(join(cwd, ".tta", "logs", "hook.log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(log.map((l) => [l.agent, l.event, l.level, l.code ?? null])).toEqual([
      ["claude-code", "Stop", "warning", null],
      ["claude-code", "Stop", "warning", null],
      ["claude-code", null, "error", "VALIDATION_FAILED"],
    ]);
    expect(String(log[0]!.message)).toContain("gone.jsonl");
    expect(log.every((l) => typeof l.at === "string" && typeof l.ms === "number")).toBe(true);
    // The session was mapped; nothing else was stored.
    expect(await contents(cwd)).toEqual([]);
  });

  it("--component and --purpose name new sessions instead of the branch; bad values are refused", async () => {
    const cwd = repo();
    const event = { session_id: "cc-12", hook_event_name: "UserPromptSubmit", prompt: "hi" };
    const named = await spawnTta(["hook", "claude-code", "--component", "billing-api", "--purpose", "fix"], {
      cwd,
      useDist: true,
      env: { HOME: cwd },
      input: JSON.stringify({ cwd, ...event }),
    }).done;
    expect(named.stderr).toBe("");
    const list = (await tta(cwd, ["session", "list"])) as { items: { id: string }[] };
    expect(list.items.map((s) => s.id)).toEqual([`billing-api-fix-${today}`]);
    for (const flags of [
      ["--component", "Billing API"],
      ["--purpose", "two words"],
    ]) {
      const bad = await spawnTta(["hook", "claude-code", ...flags], {
        cwd,
        useDist: true,
        env: { HOME: cwd },
        input: JSON.stringify({ cwd, ...event, session_id: "cc-13" }),
      }).done;
      expect(bad.code).toBe(0);
      expect(bad.stdout).toBe("");
      expect(bad.stderr).toMatch(new RegExp(`error VALIDATION_FAILED: ${flags[0]} must be`));
    }
    expect(((await tta(cwd, ["session", "list"])) as { items: unknown[] }).items).toHaveLength(1);
  });
});
