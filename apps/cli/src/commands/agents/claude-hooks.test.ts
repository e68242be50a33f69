import { describe, expect, it } from "vitest";
import { CLAUDE_HOOK_EVENTS, mergeClaudeHooks } from "./claude-hooks.js";

const FILE = "/w/.claude/settings.json";
const CMD = "tta hook claude-code";

function parsed(text: string | undefined): Record<string, unknown> {
  if (text === undefined) throw new Error("expected a new text");
  return JSON.parse(text) as Record<string, unknown>;
}

describe("mergeClaudeHooks", () => {
  it("creates a settings file with one tta group per event", () => {
    const r = mergeClaudeHooks(undefined, CMD, FILE);
    expect(r.action).toBe("created");
    const hooks = parsed(r.text).hooks as Record<string, unknown>;
    expect(Object.keys(hooks)).toEqual([...CLAUDE_HOOK_EVENTS]);
    for (const e of CLAUDE_HOOK_EVENTS) {
      expect(hooks[e]).toEqual([{ hooks: [{ type: "command", command: CMD }] }]);
    }
  });

  it("keeps the user's settings and hooks, appends after them, and changes nothing on a second run", () => {
    const existing = `${JSON.stringify(
      {
        model: "opus",
        permissions: { allow: ["Bash(npm test:*)"] },
        hooks: {
          Stop: [{ matcher: "", hooks: [{ type: "command", command: "./notify.sh" }] }],
          PostToolUse: [{ matcher: "Edit", hooks: [{ type: "command", command: "prettier -w" }] }],
        },
      },
      null,
      2,
    )}\n`;
    const first = mergeClaudeHooks(existing, CMD, FILE);
    expect(first.action).toBe("updated");
    const out = parsed(first.text);
    expect(out.model).toBe("opus");
    expect(out.permissions).toEqual({ allow: ["Bash(npm test:*)"] });
    const hooks = out.hooks as Record<string, unknown[]>;
    expect(hooks.PostToolUse).toEqual([
      { matcher: "Edit", hooks: [{ type: "command", command: "prettier -w" }] },
    ]);
    expect(hooks.Stop).toEqual([
      { matcher: "", hooks: [{ type: "command", command: "./notify.sh" }] },
      { hooks: [{ type: "command", command: CMD }] },
    ]);
    expect(mergeClaudeHooks(first.text, CMD, FILE)).toEqual({ action: "unchanged" });
  });

  it("leaves an event alone that already runs tta hook claude-code, with any options or launcher", () => {
    const existing = JSON.stringify({
      hooks: {
        SessionStart: [
          {
            hooks: [
              { type: "command", command: "/usr/bin/node '/opt/tta/bin.js' hook claude-code --stage plan" },
            ],
          },
        ],
      },
    });
    const r = mergeClaudeHooks(existing, CMD, FILE);
    const hooks = parsed(r.text).hooks as Record<string, unknown[]>;
    expect(hooks.SessionStart).toHaveLength(1);
    expect(hooks.Stop).toHaveLength(1);
  });

  it("refuses a file it cannot merge into, naming it, instead of overwriting it", () => {
    for (const bad of [
      "{ not json",
      "[]",
      '{"hooks": []}',
      '{"hooks": {"Stop": {}}}',
      '{"hooks":{},"hooks":{}}',
    ]) {
      expect(() => mergeClaudeHooks(bad, CMD, FILE), bad).toThrow(/settings\.json/);
    }
  });
});
