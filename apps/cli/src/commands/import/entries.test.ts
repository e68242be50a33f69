import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { promptKey } from "../hook/keys.js";
import { CUT_MARK } from "../hook/text.js";
import { type Entry, transcriptEntries } from "./entries.js";

async function entriesOf(
  content: string | Buffer,
  options: { contentBytes?: number; fallback?: string | null } = {},
): Promise<Entry[]> {
  const file = join(mkdtempSync(join(tmpdir(), "tta-entries-")), "t.jsonl");
  writeFileSync(file, content);
  const handle = await open(file, "r");
  try {
    const out: Entry[] = [];
    for await (const e of transcriptEntries(handle, Buffer.byteLength(content), {
      maxLineBytes: 1 << 20,
      contentBytes: options.contentBytes ?? 1 << 20,
      fallbackAgentSession: options.fallback ?? null,
    }))
      out.push(e);
    return out;
  } finally {
    await handle.close();
  }
}

const jsonl = (...lines: unknown[]) =>
  lines.map((l) => `${typeof l === "string" ? l : JSON.stringify(l)}\n`).join("");
const messages = (entries: Entry[]) => entries.flatMap((e) => (e.kind === "message" ? [e] : []));
const skips = (entries: Entry[]) => entries.flatMap((e) => (e.kind === "skip" ? [[e.no, e.reason]] : []));

const cc = {
  user: (uuid: string, content: unknown, extra = {}) => ({
    type: "user",
    uuid,
    sessionId: "cc-1",
    message: { role: "user", content },
    ...extra,
  }),
  assistant: (uuid: string, content: unknown, extra = {}) => ({
    type: "assistant",
    uuid,
    sessionId: "cc-1",
    message: { role: "assistant", content },
    ...extra,
  }),
};

describe("transcriptEntries: Claude Code", () => {
  it("keys prompts like the hook (anchored on the line with a uuid before, any type) and other lines by uuid", async () => {
    const entries = await entriesOf(
      jsonl(
        { type: "summary", summary: "earlier" },
        cc.user("u1", "Plan the cache"),
        cc.assistant("a1", [
          { type: "thinking", thinking: "hidden" },
          { type: "text", text: "Plan:" },
          { type: "tool_use", name: "Read", input: { file_path: "a.ts" } },
        ]),
        cc.user("r1", [{ type: "tool_result", tool_use_id: "t", content: "file text" }]),
        { type: "system", uuid: "s1", content: "hook ran" },
        cc.user("u2", [
          { type: "text", text: "Now" },
          { type: "text", text: "build it" },
        ]),
        cc.user("m1", "<command-name>/clear</command-name>", { isMeta: true }),
        cc.user("side", "Find the call sites", { isSidechain: true }),
      ),
    );
    expect(entries[0]).toEqual({ kind: "format", no: 1, format: "claude-code" });
    const got = messages(entries).map((e) => [e.no, e.item.role, e.item.content, e.item.idempotencyKey]);
    expect(got).toEqual([
      [2, "user", "Plan the cache", promptKey("cc-1", "Plan the cache", "start")],
      [3, "assistant", 'Plan:\n\n→ Read {"file_path":"a.ts"}', "cc:a1"],
      [6, "user", "Now\n\nbuild it", promptKey("cc-1", "Now\n\nbuild it", "s1")],
      [8, "user", "Find the call sites", "cc:side"],
    ]);
    expect(messages(entries)[1]!.item.metadata).toEqual({
      source: "claude-code",
      uuid: "a1",
      tools: ["Read"],
    });
    expect(skips(entries)).toEqual([]);
  });

  it("takes the agent session from each line, else the fallback (the file name)", async () => {
    const entries = await entriesOf(
      jsonl(
        cc.assistant("a1", "one"),
        { ...cc.assistant("a2", "two"), sessionId: "../x" },
        {
          ...cc.assistant("a3", "three"),
          sessionId: "cc-2",
        },
      ),
      { fallback: "file-stem" },
    );
    expect(messages(entries).map((e) => e.agentSession)).toEqual(["cc-1", "file-stem", "cc-2"]);
  });

  it("cuts content over the message limit with a mark instead of refusing it", async () => {
    const [m] = messages(await entriesOf(jsonl(cc.assistant("a1", "é".repeat(1000))), { contentBytes: 100 }));
    expect(Buffer.byteLength(m!.item.content)).toBeLessThanOrEqual(100);
    expect(m!.item.content.endsWith(CUT_MARK)).toBe(true);
    expect(m!.item.idempotencyKey).toBe("cc:a1");
  });
});

describe("transcriptEntries: generic JSONL", () => {
  it("keys by id, else by the n-th occurrence of (role, content, timestamp): two equal lines are two messages", async () => {
    const entries = await entriesOf(
      jsonl(
        { role: "user", content: "ok" },
        { role: "assistant", content: [{ type: "text", text: "fine" }], timestamp: "2026-01-01T00:00:00Z" },
        { role: "user", content: "ok" },
        { role: "system", content: "rules", id: "sys-1" },
        { role: "tool", content: "42", timestamp: 1767225600000 },
      ),
    );
    const got = messages(entries).map((e) => e.item);
    const keys = got.map((i) => i.idempotencyKey);
    expect(keys[0]).toMatch(/^t:h:[0-9a-f]{40}:1$/);
    expect(keys[2]).toBe(keys[0]!.replace(/:1$/, ":2"));
    expect(keys[3]).toBe(`t:${createHash("sha256").update("sys-1").digest("hex").slice(0, 40)}`);
    expect(new Set(keys).size).toBe(5);
    expect(got[1]).toMatchObject({
      role: "assistant",
      content: "fine",
      metadata: { timestamp: "2026-01-01T00:00:00Z" },
    });
    expect(got[4]!.metadata).toEqual({ source: "import", timestamp: "2026-01-01T00:00:00.000Z" });
    expect(got[3]!.metadata).toEqual({ source: "import", id: "sys-1" });
  });

  it("skips and counts lines that are not messages: unknown role, content of a wrong type, empty, arrays, numbers", async () => {
    const entries = await entriesOf(
      jsonl(
        { role: "user", content: "first" },
        { role: "admin", content: "x" },
        { role: "user", content: 42 },
        { role: "user", content: { text: "x" } },
        { role: "user", content: "   " },
        "[1,2]",
        "7",
        '"text"',
        "null",
        { unrelated: true },
      ),
    );
    expect(messages(entries)).toHaveLength(1);
    expect(skips(entries)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10].map((no) => [no, "notMessage"]));
  });
});

describe("transcriptEntries: format errors", () => {
  it("refuses a file whose first line is neither format, or not JSON, naming the line", async () => {
    await expect(entriesOf(jsonl("", { foo: 1 }, { role: "user", content: "x" }))).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining("line 2:"),
    });
    await expect(entriesOf("name,role\nbob,user\n")).rejects.toMatchObject({
      message: expect.stringContaining("line 1: not JSON"),
    });
    await expect(entriesOf(jsonl("[]"))).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("refuses a file mixing the two formats, naming both lines", async () => {
    const mixed = jsonl(cc.assistant("a1", "hi"), "not json", { role: "user", content: "x" });
    await expect(entriesOf(mixed)).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringMatching(/line 3: a generic message line, but line 1 is a Claude Code line/),
      details: { line: 3 },
    });
    await expect(entriesOf(jsonl({ role: "user", content: "x" }, cc.user("u1", "hi")))).rejects.toMatchObject(
      {
        details: { line: 2 },
      },
    );
  });
});

describe("transcriptEntries: hostile lines", () => {
  it("ignores __proto__ keys, skips raw NUL bytes and invalid UTF-8, keeps escaped NULs as text", async () => {
    const bad = Buffer.concat([
      Buffer.from('{"role":"user","content":"bad '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}\n'),
    ]);
    const text = Buffer.concat([
      Buffer.from(
        jsonl(
          '{"__proto__":{"role":"admin"},"role":"user","content":"proto"}',
          '{"role":"user","content":"nul\u0000raw"}',
          { role: "user", content: "nul\u0000escaped" },
          '{"role":"user","content":"x","__proto__":{"polluted":true},"id":{"__proto__":1}}',
        ),
      ),
      bad,
    ]);
    const entries = await entriesOf(text);
    expect(messages(entries).map((e) => e.item.content)).toEqual(["proto", "nul\u0000escaped", "x"]);
    expect(skips(entries)).toEqual([
      [2, "notJson"],
      [5, "notUtf8"],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const e of messages(entries)) expect(Object.getPrototypeOf(e.item.metadata)).toBe(Object.prototype);
  });

  it("names a hostile tool `tool`, in the metadata and the text, and keeps the message", async () => {
    const [m] = messages(
      await entriesOf(
        jsonl(
          cc.assistant("a1", [
            { type: "tool_use", name: "x".repeat(5000), input: {} },
            { type: "tool_use", name: "Bash", input: {} },
          ]),
        ),
      ),
    );
    expect(m!.item.metadata.tools).toEqual(["tool", "Bash"]);
    expect(m!.item.content).toBe("→ tool {}\n\n→ Bash {}");
  });
});
