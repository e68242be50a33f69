import type { HandlerContext, Handlers, OperationName } from "@tta-dev/contract";
import { isOperationName, operations } from "@tta-dev/contract";
import { SessionNotFoundError } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { describe, expect, it } from "vitest";
import { runCli, Source } from "../test/harness.js";
import type { RunOptions } from "./run.js";

/*
 * These tests check the CLI side of the handler boundary: which input and namespace each command
 * hands to its handler, how the output is printed and how the exit code is chosen. The handlers
 * here only record the call and answer a fixed, schema-valid output; the domain behaviour behind
 * them is @tta-dev/workflow's and is not imitated.
 */

const S = "auth-design-2025-10-01";
const NOW = "2026-11-25T12:00:00.000Z";
const GROUP = {
  id: "feature-auth",
  description: "",
  tags: [],
  sessionIds: [],
  status: "active",
  metadata: {},
  createdAt: NOW,
  updatedAt: NOW,
  version: 1,
};

const GROUP_SUMMARY = {
  total: 0,
  byStatus: { active: 0, closed: 0, archived: 0 },
  sessionsTracked: 0,
  uniqueTags: [],
};

interface Call {
  name: string;
  input: unknown;
  ctx: HandlerContext;
}

function recording(answers: Partial<Record<OperationName, unknown | (() => unknown)>>): RunOptions & {
  calls: Call[];
  closed: string[];
} {
  const calls: Call[] = [];
  const closed: string[] = [];
  const handlers = new Proxy({} as Handlers, {
    // Only operation names are handlers: `then` must stay undefined, or the object would look like a promise.
    get: (_t, name: string) =>
      isOperationName(name)
        ? async (input: unknown, ctx: HandlerContext) => {
            calls.push({ name, input, ctx });
            const answer = answers[name as OperationName];
            const value = typeof answer === "function" ? (answer as () => unknown)() : answer;
            return operations[name as OperationName].output.parse(value);
          }
        : undefined,
  });
  return {
    calls,
    closed,
    backendFactory: async () => {
      const backend = createInMemoryBackend();
      const close = backend.close.bind(backend);
      return Object.assign(backend, {
        close: async () => {
          closed.push(backend.name);
          await close();
        },
      });
    },
    handlersFactory: () => handlers,
  };
}

describe("tta → handler input", () => {
  it("merges key=value words into a metadata patch", async () => {
    const h = recording({ "group.updateMetadata": GROUP });
    const r = await runCli(
      ["group", "meta", "feature-auth", "priority=high", "sprint=42", "done=null", "--if-version", "3"],
      h,
    );
    expect(r.code).toBe(0);
    expect(h.calls).toEqual([
      {
        name: "group.updateMetadata",
        input: { groupId: "feature-auth", patch: { priority: "high", sprint: 42, done: null }, ifVersion: 3 },
        ctx: { namespace: "default" },
      },
    ]);
    expect(h.closed).toEqual(["memory"]);
  });

  it("maps close and reopen to group.setStatus with a fixed status", async () => {
    const h = recording({ "group.setStatus": GROUP });
    await runCli(["group", "close", "feature-auth", "--summary", "Shipped"], h);
    await runCli(["group", "reopen", "feature-auth", "--namespace", "team-a"], h);
    expect(h.calls.map((c) => [c.input, c.ctx.namespace])).toEqual([
      [{ groupId: "feature-auth", status: "closed", summary: "Shipped" }, "default"],
      [{ groupId: "feature-auth", status: "active" }, "team-a"],
    ]);
  });

  it("collects repeatable flags and maps --any-tag to tagMode", async () => {
    const h = recording({ "memory.search": { items: [], nextCursor: null } });
    const argv = ["memory", "search", "token rotation", "--tag", "auth", "--tag", "api", "--any-tag"];
    await runCli(
      [...argv, "--kind", "lesson", "--kind", "decision", "--min-importance", "0.5", "--limit", "5"],
      h,
    );
    expect(h.calls[0]!.input).toEqual({
      query: "token rotation",
      tags: ["auth", "api"],
      tagMode: "any",
      kinds: ["lesson", "decision"],
      minImportance: 0.5,
      limit: 5,
    });
  });

  it("parses the cache value as JSON and the TTL as a duration", async () => {
    const entry = { sessionId: S, key: "k", value: { a: 1 }, createdAt: NOW, expiresAt: NOW, version: 1 };
    const h = recording({ "cache.set": entry });
    const r = await runCli(["cache", "set", S, "k", '{"a":1}', "--ttl", "1h", "--json"], h);
    expect(h.calls[0]!.input).toEqual({ sessionId: S, key: "k", value: { a: 1 }, ttlMs: 3_600_000 });
    expect(r.stdout).toBe(`${JSON.stringify(entry)}\n`);
  });

  it("reads the message text from stdin when it is omitted", async () => {
    const message = {
      sessionId: S,
      seq: 1,
      role: "assistant",
      content: "hello",
      metadata: {},
      createdAt: NOW,
    };
    const h = recording({ "message.append": message });
    const r = await runCli(["message", "add", S, "--role", "assistant", "--json"], {
      ...h,
      stdin: new Source(["hel", "lo\n"]),
    });
    expect(r.code).toBe(0);
    expect(h.calls[0]!.input).toEqual({ sessionId: S, role: "assistant", content: "hello" });
    expect(JSON.parse(r.stdout)).toEqual(message);
  });
});

describe("tta → output and exit code", () => {
  const context = {
    stage: "plan",
    mode: "standard",
    policyHash: "h",
    layers: { session: [], cache: [], deep: [], pafs: [], groups: [] },
    tokens: { perLayer: { session: 0, cache: 0, deep: 0, pafs: 0, groups: 0 }, total: 0, budget: 8000 },
    explain: [],
  };

  it("asks for and prints the markdown rendering of a context for a person, the JSON with --json", async () => {
    const h = recording({ "context.load": () => ({ format: "markdown", context, rendered: "# Context\n" }) });
    const human = await runCli(["context", S, "--stage", "PLAN"], h);
    expect(human.stdout).toBe("# Context\n");
    expect(h.calls[0]!.input).toEqual({ sessionId: S, stage: "plan", format: "markdown" });
    const json = await runCli(["context", S, "--stage", "plan", "--json"], h);
    expect(h.calls[1]!.input).toEqual({ sessionId: S, stage: "plan" });
    expect(JSON.parse(json.stdout).context).toEqual(context);
  });

  it("exits 0, 1 or 2 from paf validate's summary, 2 for warnings with --strict", async () => {
    const out = (errors: number, warnings: number) => ({
      ok: errors === 0,
      results: [],
      summary: { total: 3, passed: 3 - errors - warnings, errors, warnings, infos: 0 },
      file: "PAFCORE.md",
      rendered: "report\n",
    });
    expect((await runCli(["paf", "validate"], recording({ "paf.validate": out(0, 0) }))).code).toBe(0);
    expect((await runCli(["paf", "validate"], recording({ "paf.validate": out(0, 1) }))).code).toBe(1);
    expect(
      (await runCli(["paf", "validate", "--strict"], recording({ "paf.validate": out(0, 1) }))).code,
    ).toBe(2);
    const errors = await runCli(["paf", "validate"], recording({ "paf.validate": out(1, 0) }));
    expect(errors.code).toBe(2);
    expect(errors.stdout).toBe("report\n");
  });

  it("prints a handler's tta error as JSON with the code's exit code, and closes the backend", async () => {
    const h = recording({
      "session.get": () => {
        throw new SessionNotFoundError(S, "default");
      },
    });
    const r = await runCli(["session", "show", S, "--json"], h);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("");
    expect(JSON.parse(r.stderr)).toEqual({ error: new SessionNotFoundError(S, "default").toJSON() });
    expect(h.closed).toEqual(["memory"]);
  });

  it("turns an unexpected failure into INTERNAL with exit 70", async () => {
    const h = recording({
      "group.summary": () => {
        throw new TypeError("boom");
      },
    });
    const r = await runCli(["group", "summary"], h);
    expect(r.code).toBe(70);
    expect(r.stderr).toContain("INTERNAL");
    expect(r.stderr).toContain("boom");
  });

  it("shows a progress line on a terminal stderr while a slow handler runs, and erases it", async () => {
    const slow = recording({ "group.summary": GROUP_SUMMARY });
    const handlers = await slow.handlersFactory!({} as never);
    const delayed = {
      ...slow,
      handlersFactory: () =>
        new Proxy(handlers, {
          get: (t, name) =>
            name === "group.summary"
              ? async (i: unknown, c: HandlerContext) => {
                  await new Promise((r) => setTimeout(r, 400));
                  return t["group.summary"](i as never, c);
                }
              : undefined,
        }),
    };
    const tty = await runCli(["group", "summary"], { ...delayed, stderrTty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toBe("group.summary…\r\x1b[K");
    expect((await runCli(["group", "summary"], delayed)).stderr).toBe("");
    expect((await runCli(["group", "summary", "--json"], { ...delayed, stderrTty: true })).stderr).toBe("");
  });
});
