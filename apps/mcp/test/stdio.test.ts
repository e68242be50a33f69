import { spawn } from "node:child_process";
import { JSON_OPERATION_NAMES } from "@tta-dev/contract";
import { WORKFLOW_STAGES } from "@tta-dev/core";
import { DEFAULT_TOOLS, toolNameOf } from "@tta-dev/mcp";
import { PARITY_PAFCORE } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { expectHostileArgumentsRefused, expectParityWithCli } from "./exercise.js";
import { cleanEnv, cli, stdioClient, TTA_BIN, toolError, workspace } from "./helpers.js";

const S = "auth-design-2026-12-03";

describe("tta mcp over stdio", () => {
  it("answers initialize and lists the default tools, each with schemas and annotations from the contract", async () => {
    const client = await stdioClient(workspace());
    expect(client.getServerVersion()).toMatchObject({ name: "tta" });
    expect(client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {}, prompts: {} });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(DEFAULT_TOOLS.map(toolNameOf).sort());
    for (const t of tools) {
      expect(t.name).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
      expect(t.inputSchema.type).toBe("object");
      expect(t.description!.startsWith("Call ")).toBe(true);
      expect(t.annotations).toMatchObject({ openWorldHint: false });
      expect(JSON.stringify(t)).not.toContain("$schema");
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get("context_load")!.annotations).toMatchObject({
      readOnlyHint: true,
      idempotentHint: true,
    });
    expect(byName.get("memory_create")!.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
    });
    expect(byName.get("session_complete")!.annotations!.idempotentHint).toBe(true);
    expect(byName.get("message_append")!.outputSchema?.type).toBe("object");
  });

  it("lists every operation with --tools all; deletes are destructive", async () => {
    const client = await stdioClient(workspace(), ["--tools", "all"]);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(JSON_OPERATION_NAMES.map(toolNameOf).sort());
    for (const name of ["session_delete", "memory_delete", "group_delete", "cache_delete"]) {
      expect(tools.find((t) => t.name === name)!.annotations).toMatchObject({ destructiveHint: true });
    }
    expect(tools.find((t) => t.name === "cache_get")!.outputSchema).toBeUndefined();
  });

  it("gives structured content equal to tta --json for every operation, and the same error codes", async () => {
    const client = await stdioClient(workspace({ "PAFCORE.md": PARITY_PAFCORE }), ["--tools", "all"]);
    await expectParityWithCli(client, workspace({ "PAFCORE.md": PARITY_PAFCORE }));
  }, 240_000);

  it("refuses hostile arguments to every tool with isError and the contract's code, writing nothing", async () => {
    const cwd = workspace();
    const client = await stdioClient(cwd, ["--tools", "all"]);
    expect(await expectHostileArgumentsRefused(client)).toBeGreaterThan(100);
    const oversized = await client.callTool({
      name: "memory_create",
      arguments: { content: "x".repeat(70_000) },
    });
    expect(toolError(oversized).code).toBe("LIMIT_EXCEEDED");
    const unknown = await client.callTool({ name: "session_create", arguments: { id: S, title: 5 } });
    expect(toolError(unknown).code).toBe("VALIDATION_FAILED");
    // Nothing was written, and the server still serves.
    const list = await client.callTool({ name: "session_list", arguments: {} });
    expect(list.structuredContent).toEqual({ items: [], nextCursor: null });
    const search = await client.callTool({ name: "memory_search", arguments: {} });
    expect(search.structuredContent).toMatchObject({ items: [] });
  }, 120_000);

  it("answers malformed JSON-RPC with protocol errors and keeps serving", async () => {
    const child = spawn(process.execPath, [TTA_BIN, "mcp"], {
      cwd: workspace(),
      env: cleanEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    const replies: Record<string, unknown>[] = [];
    let buffer = "";
    child.stdout!.on("data", (d: Buffer) => {
      buffer += d.toString();
      for (let nl = buffer.indexOf("\n"); nl !== -1; nl = buffer.indexOf("\n")) {
        replies.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
        buffer = buffer.slice(nl + 1);
      }
    });
    const send = (line: string) => child.stdin!.write(`${line}\n`);
    const waitFor = async (n: number) => {
      for (let i = 0; i < 200 && replies.length < n; i++) await new Promise((r) => setTimeout(r, 25));
    };
    send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "raw", version: "1" },
        },
      }),
    );
    await waitFor(1);
    send("{this is not json");
    send(JSON.stringify({ jsonrpc: "2.0", id: 2, method: "no/such/method" }));
    send(JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: 42 } }));
    send(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 4,
        method: "tools/call",
        params: { name: "nope", arguments: {} },
      }),
    );
    send(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "tools/list" }));
    send('{"hello":"not json-rpc"}');
    send(
      '{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"session_create","arguments":{"id":"proto-test-2026-12-03","metadata":{"__proto__":{"polluted":true}}}}}',
    );
    send(
      '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"session_create","arguments":{"id":"proto-three-2026-12-03","__proto__":{"title":"x"}}}}',
    );
    await waitFor(9);
    child.kill();
    const byId = new Map(replies.map((r) => [r.id, r]));
    const anonymous = replies
      .filter((r) => r.id === null)
      .map((r) => (r as { error: { code: number } }).error.code);
    expect(anonymous).toEqual([-32700, -32600]);
    const proto = byId.get(6) as { result: { isError: boolean; content: { text: string }[] } };
    expect(proto.result.isError).toBe(true);
    expect(toolError(proto.result).code).toBe("VALIDATION_FAILED");
    // A top-level `__proto__` reaches tta's checks too (no copy drops it on the way).
    expect(toolError((byId.get(7) as { result: object }).result).code).toBe("VALIDATION_FAILED");
    expect((byId.get(2) as { error: { code: number } }).error.code).toBe(-32601);
    expect((byId.get(3) as { error: { code: number } }).error.code).toBe(-32602);
    expect((byId.get(4) as { error: { code: number } }).error.code).toBe(-32602);
    expect((byId.get(5) as { result: { tools: unknown[] } }).result.tools.length).toBe(DEFAULT_TOOLS.length);
  });

  it("lists resources page by page and reads a session, its messages, a memory, the PAFs and a stage context", async () => {
    const cwd = workspace({ "PAFCORE.md": PARITY_PAFCORE });
    const client = await stdioClient(cwd, ["--tools", "all"]);
    for (let i = 0; i < 55; i++) {
      await client.callTool({
        name: "session_create",
        arguments: { id: `many-s${String(i).padStart(2, "0")}-2026-12-03` },
      });
    }
    await client.callTool({
      name: "message_append",
      arguments: { sessionId: "many-s00-2026-12-03", content: "first" },
    });
    const mem = await client.callTool({
      name: "memory_create",
      arguments: { content: "Keep sessions short" },
    });
    const memId = (mem.structuredContent as { id: string }).id;
    const first = await client.listResources();
    expect(first.resources[0]!.uri).toBe("tta://pafs");
    expect(first.nextCursor).toBeTruthy();
    const second = await client.listResources({ cursor: first.nextCursor! });
    const uris = [...first.resources, ...second.resources].map((r) => r.uri);
    expect(uris.filter((u) => u.startsWith("tta://session/"))).toHaveLength(55);
    expect(second.nextCursor).toBeUndefined();
    const templates = await client.listResourceTemplates();
    expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      "tta://session/{id}",
      "tta://session/{id}/messages",
      "tta://memory/{id}",
      "tta://context/{session}/{stage}",
    ]);
    const read = async (uri: string) =>
      (await client.readResource({ uri })).contents[0] as { text: string; mimeType: string };
    expect(JSON.parse((await read("tta://session/many-s00-2026-12-03")).text)).toMatchObject({
      id: "many-s00-2026-12-03",
    });
    expect(JSON.parse((await read("tta://session/many-s00-2026-12-03/messages")).text).items).toHaveLength(1);
    expect(JSON.parse((await read(`tta://memory/${memId}`)).text)).toMatchObject({
      content: "Keep sessions short",
    });
    expect(JSON.parse((await read("tta://pafs")).text).items.length).toBeGreaterThan(0);
    const context = await read("tta://context/many-s00-2026-12-03/plan");
    expect(context.mimeType).toBe("text/markdown");
    const viaCli = cli(["context", "many-s00-2026-12-03", "--stage", "plan", "--format", "markdown"], cwd);
    expect(context.text.trim()).toBe(viaCli.stdout.trim());
    await expect(client.readResource({ uri: "tta://session/ghost-none-2026-01-01" })).rejects.toMatchObject({
      code: -32002,
    });
    await expect(client.readResource({ uri: "tta://session/..%2F..%2Fetc" })).rejects.toMatchObject({
      code: -32602,
    });
    await expect(client.readResource({ uri: "file:///etc/passwd" })).rejects.toMatchObject({ code: -32002 });
  }, 120_000);

  it("has a prompt per stage that returns the stage's rendered context, as tta context prints it", async () => {
    const cwd = workspace({ "PAFCORE.md": PARITY_PAFCORE });
    const client = await stdioClient(cwd);
    await client.callTool({ name: "session_create", arguments: { id: S, title: "Auth design" } });
    await client.callTool({
      name: "message_append",
      arguments: { sessionId: S, content: "Use rotating refresh tokens" },
    });
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual([...WORKFLOW_STAGES]);
    for (const stage of ["plan", "reflect"]) {
      const got = await client.getPrompt({ name: stage, arguments: { session: S } });
      const text = (got.messages[0]!.content as { text: string }).text;
      expect(text.trim()).toBe(cli(["context", S, "--stage", stage], cwd).stdout.trim());
    }
    await expect(client.getPrompt({ name: "plan", arguments: {} })).rejects.toMatchObject({ code: -32602 });
    await expect(
      client.getPrompt({ name: "plan", arguments: { session: "ghost-none-2026-01-01" } }),
    ).rejects.toMatchObject({
      code: -32602,
    });
  });

  it("answers every request sent before the client closed stdin, then exits 0", async () => {
    const cwd = workspace();
    const child = spawn(process.execPath, [TTA_BIN, "mcp", "--workspace", cwd], {
      cwd: workspace(),
      env: cleanEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((r) => child.on("exit", r));
    const init = {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "raw", version: "1" },
    };
    child.stdin!.end(
      `${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: init })}\n${JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "session_create", arguments: { id: S } },
      })}\n`,
    );
    expect(await exited).toBe(0);
    const ids = out
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { id: number }).id);
    expect(ids).toEqual([1, 2]);
    // --workspace decided where the session went.
    expect(cli(["session", "show", S, "--json"], cwd).code).toBe(0);
  });

  it("keeps stdout for the protocol: warnings go to stderr", async () => {
    const child = spawn(process.execPath, [TTA_BIN, "mcp", "--tools", "all"], {
      cwd: workspace(),
      env: cleanEnv({ TTA_NAMING_POLICY: "warn" }),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const line = (o: unknown) => child.stdin!.write(`${JSON.stringify(o)}\n`);
    line({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } },
    });
    line({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "session_create", arguments: { id: "MyScratch" } },
    });
    for (let i = 0; i < 200 && out.split("\n").filter(Boolean).length < 2; i++)
      await new Promise((r) => setTimeout(r, 25));
    child.kill();
    for (const l of out.split("\n").filter(Boolean)) expect(() => JSON.parse(l)).not.toThrow();
    expect(err).toContain("warning");
  });

  it("runs paf_validate's command checks only when started with --allow-commands", async () => {
    const cwd = workspace({ "PAFCORE.md": "- **OPS-001**: Works.\n  - Check: command true\n" });
    const closed = await stdioClient(cwd, ["--tools", "all"]);
    const refused = await closed.callTool({ name: "paf_validate", arguments: { allowCommands: true } });
    expect(toolError(refused).code).toBe("FORBIDDEN");
    const open = await stdioClient(cwd, ["--tools", "all", "--allow-commands"]);
    const ran = await open.callTool({ name: "paf_validate", arguments: { allowCommands: true } });
    expect(ran.isError).toBeFalsy();
    expect(ran.structuredContent).toMatchObject({ ok: true });
  });
});
