import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnTta } from "./child.js";

/*
 * `tta hook generic`: the JSON contract other agents (Codex, Cursor, Gemini CLI…) call the hook
 * handlers with — a fresh built-binary process per event, as an agent's hook would run it.
 */

const today = new Date().toISOString().slice(0, 10);
const SESSION = `user-prefs-feature-${today}`;

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "tta-hook-generic-"));
  execFileSync("git", ["init", "-q", "-b", "feature/user-prefs", dir]);
  mkdirSync(join(dir, ".tta"));
  return dir;
}

async function hook(cwd: string, event: object | string, flags: string[] = []) {
  const input = typeof event === "string" ? event : JSON.stringify({ cwd, ...event });
  return spawnTta(["hook", "generic", ...flags], { cwd, input, useDist: true, env: { HOME: cwd } }).done;
}

async function reply(cwd: string, event: object, flags: string[] = []) {
  const r = await hook(cwd, event, flags);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as { session: string; event: string; stored: number; context?: string };
}

async function tta(cwd: string, argv: string[]) {
  const r = await spawnTta([...argv, "--json"], { cwd, useDist: true, env: { HOME: cwd } }).done;
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

async function messages(cwd: string, session = SESSION) {
  const { items } = (await tta(cwd, ["message", "list", session, "--limit", "1000"])) as {
    items: { role: string; content: string; metadata: Record<string, unknown> }[];
  };
  return items.map((m) => [m.role, m.content]);
}

describe("tta hook generic", () => {
  it("session_start creates the session from the branch, prints its context, and finds it again on resume", async () => {
    const cwd = repo();
    const base = { agent: "codex", session_id: "0199a-Codex-Run" };
    const start = await reply(cwd, { ...base, event: "session_start" });
    expect(start).toMatchObject({ session: SESSION, event: "session_start", stored: 0, stage: "understand" });
    expect(start.context).toContain(`tta session \`${SESSION}\``);
    expect(start.context).toContain("# Workflow context");
    await tta(cwd, ["stage", "set", SESSION, "implement"]);
    const resumed = await reply(cwd, { ...base, event: "session_start", source: "resume" });
    expect(resumed).toMatchObject({ session: SESSION, stage: "implement" });
    const session = await tta(cwd, ["session", "show", SESSION]);
    expect(session.tags).toEqual(["codex", expect.stringMatching(/^codex:h\.[0-9a-f]{32}$/)]);
    // Another agent's session of the same id is another tta session.
    const other = await reply(cwd, { agent: "cursor", session_id: base.session_id, event: "session_start" });
    expect(other.session).not.toBe(SESSION);
  });

  it("replaying a whole event stream twice stores each message once; the same prompt after a reply is new", async () => {
    const cwd = repo();
    const base = { agent: "gemini-cli", session_id: "g-1" };
    const stream = [
      { ...base, event: "session_start", source: "startup" },
      { ...base, event: "prompt", prompt: "continue" },
      {
        ...base,
        event: "messages",
        messages: [
          { role: "assistant", content: "Step one done.", timestamp: "2026-12-01T10:00:00Z" },
          { role: "tool", content: "ok" },
          { role: "tool", content: "ok" },
        ],
      },
      { ...base, event: "prompt", prompt: "continue" },
      { ...base, event: "messages", messages: [{ id: "r-2", role: "assistant", content: "Step two done." }] },
      { ...base, event: "prompt", prompt: "ship it", prompt_id: "p-3" },
      { ...base, event: "pre_compact" },
      { ...base, event: "session_start", source: "compact" },
    ];
    const stored: number[][] = [[], []];
    for (let round = 0; round < 2; round++) {
      for (const event of stream) stored[round]!.push((await reply(cwd, event)).stored);
    }
    expect(stored[0]).toEqual([0, 1, 3, 1, 1, 1, 0, 0]);
    // The second round is the same events seen again; only the unkeyed prompts see the session move on.
    expect(stored[1]!.slice(2)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await messages(cwd)).toEqual([
      ["user", "continue"],
      ["assistant", "Step one done."],
      ["tool", "ok"],
      ["tool", "ok"],
      ["user", "continue"],
      ["assistant", "Step two done."],
      ["user", "ship it"],
      ...(stored[1]![1] === 1 ? [["user", "continue"]] : []),
    ]);
  });

  it("session_end records the event, and completes the session with --complete-on-end", async () => {
    const cwd = repo();
    const base = { agent: "codex", session_id: "c-9" };
    await reply(cwd, { ...base, event: "prompt", prompt: "hello" });
    expect(await reply(cwd, { ...base, event: "session_end", reason: "exit" })).toMatchObject({ stored: 0 });
    expect((await tta(cwd, ["session", "show", SESSION])).status).toBe("active");
    const entry = await tta(cwd, ["cache", "get", SESSION, "codex.event.session_end"]);
    expect(entry.value).toMatchObject({ event: "session_end", reason: "exit", agentSessionId: "c-9" });
    const end = await reply(cwd, { ...base, event: "session_end" }, ["--complete-on-end"]);
    expect(end).toMatchObject({ completed: true });
    expect((await tta(cwd, ["session", "show", SESSION])).status).toBe("completed");
  });

  it("--events leaves the other events alone, and rejects an event name the contract does not have", async () => {
    const cwd = repo();
    const base = { agent: "codex", session_id: "c-2" };
    const skipped = await hook(cwd, { ...base, event: "prompt", prompt: "x" }, ["--events", "session_start"]);
    expect([skipped.code, skipped.stdout, skipped.stderr]).toEqual([0, "", ""]);
    expect(((await tta(cwd, ["session", "list"])) as { items: unknown[] }).items).toEqual([]);
    const bad = await hook(cwd, { ...base, event: "prompt", prompt: "x" }, ["--events", "Stop"]);
    expect(bad.code).toBe(0);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(
      /VALIDATION_FAILED: --events: unknown event "Stop"; known: session_start, prompt/,
    );
  });

  it("malformed, hostile and oversized events exit 0, print nothing on stdout, name the field and store nothing", async () => {
    const cwd = repo();
    const cases: [string | object, RegExp][] = [
      ["{", /not JSON/],
      ["42", /not a JSON object/],
      [{ session_id: "s", event: "stop" }, /event must be one of session_start, prompt, messages/],
      [{ agent: "Codex", session_id: "s", event: "prompt", prompt: "x" }, /agent must be/],
      [{ agent: "codex", event: "prompt", prompt: "x" }, /session_id must be/],
      [{ session_id: "a\u0007b", event: "prompt", prompt: "x" }, /session_id must be/],
      [{ session_id: "s", event: "prompt" }, /prompt must be a string/],
      [{ session_id: "s", event: "messages", messages: [] }, /messages must be an array of 1–1000/],
      [
        { session_id: "s", event: "messages", messages: [{ role: "boss", content: "x" }] },
        /messages\[0\]\.role/,
      ],
      [
        { session_id: "s", event: "messages", messages: [{ content: 7 }] },
        /messages\[0\]\.content must be a string/,
      ],
      [{ session_id: "s", event: "session_start", source: "reboot" }, /source must be one of/],
      [
        '{"session_id":"s","event":"prompt","prompt":"x","__proto__":{"polluted":1}}',
        /__proto__|not allowed|key/i,
      ],
      [{ session_id: "s", event: "prompt", prompt: "x".repeat(5 << 20) }, /LIMIT_EXCEEDED|larger|limit/i],
    ];
    for (const [event, message] of cases) {
      const r = await hook(cwd, event);
      const label = (typeof event === "string" ? event : JSON.stringify(event)).slice(0, 60);
      expect(r.code, label).toBe(0);
      expect(r.stdout, label).toBe("");
      expect(r.stderr, label).toMatch(/^tta hook: error [A-Z_]+: /);
      expect(r.stderr, label).toMatch(message);
    }
    expect(((await tta(cwd, ["session", "list"])) as { items: unknown[] }).items).toEqual([]);
  });

  it("a message over the content limit is stored cut, with a mark, not refused", async () => {
    const cwd = repo();
    const big = "é".repeat(700_000); // 1.4 MB of UTF-8, over the 1 MiB default
    const r = await reply(cwd, {
      agent: "codex",
      session_id: "c-3",
      event: "messages",
      messages: [{ role: "assistant", content: big }],
    });
    expect(r.stored).toBe(1);
    const content = (await messages(cwd))[0]?.[1] ?? "";
    expect(content.endsWith("[… cut by tta: over the message limit]")).toBe(true);
    expect(content.startsWith("éé")).toBe(true);
  });
});
