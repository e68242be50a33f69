import { createHash } from "node:crypto";
import { request } from "node:http";
import { JSON_OPERATION_NAMES } from "@tta-dev/contract";
import { DEFAULT_TOOLS, TOOL_CATALOG, toolNameOf } from "@tta-dev/mcp";
import { PARITY_PAFCORE } from "@tta-dev/testkit";
import { beforeAll, describe, expect, it } from "vitest";
import { expectHostileArgumentsRefused, expectParityWithCli } from "./exercise.js";
import { httpClient, type ServeProcess, serve, toolError, workspace } from "./helpers.js";

const sha = (t: string) => createHash("sha256").update(t, "utf8").digest("hex");
const READER = "reader-token-aaaaaaaaaaaaaaaa";
const WRITER = "writer-token-bbbbbbbbbbbbbbbb";
const OTHER = "other-token-cccccccccccccccccc";
const ADMIN = "admin-token-dddddddddddddddddd";

const CONFIG = `http:
  tokens:
    - { name: reader, sha256: ${sha(READER)}, scopes: [read], namespaces: [team-a] }
    - { name: writer, sha256: ${sha(WRITER)}, scopes: [write], namespaces: [team-a] }
    - { name: other, sha256: ${sha(OTHER)}, scopes: [write], namespaces: [team-b] }
    - { name: admin, sha256: ${sha(ADMIN)}, scopes: [admin], namespaces: ["*"] }
`;

/** A raw request to the server, headers as given (no client library adds or fixes any). */
function raw(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: options.method ?? "POST",
        headers: options.headers ?? {},
        setHost: !options.headers?.host,
      },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

const RPC = { "content-type": "application/json", accept: "application/json, text/event-stream" };
const LIST = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });

describe("/mcp on tta serve, with tokens", () => {
  let server: ServeProcess;
  beforeAll(async () => {
    server = await serve(workspace({ ".tta/config.yaml": CONFIG, "PAFCORE.md": PARITY_PAFCORE }));
  });

  it("lists the tools each token may call: a read token sees only read tools", async () => {
    const admin = await httpClient(server.url, { token: ADMIN, tools: "all", namespace: "team-a" });
    expect((await admin.listTools()).tools.map((t) => t.name).sort()).toEqual(
      JSON_OPERATION_NAMES.map(toolNameOf).sort(),
    );
    const reader = await httpClient(server.url, { token: READER, tools: "all" });
    const readable = TOOL_CATALOG.filter((t) => t.op.http.scope === "read").map((t) => t.name);
    expect((await reader.listTools()).tools.map((t) => t.name).sort()).toEqual(readable.sort());
    const writer = await httpClient(server.url, { token: WRITER });
    expect((await writer.listTools()).tools.map((t) => t.name).sort()).toEqual(
      DEFAULT_TOOLS.map(toolNameOf).sort(),
    );
  });

  it("refuses a write from a read token with FORBIDDEN, and writes nothing", async () => {
    const reader = await httpClient(server.url, { token: READER });
    const refused = await reader.callTool({
      name: "session_create",
      arguments: { id: "read-only-2026-12-03" },
    });
    expect(toolError(refused).code).toBe("FORBIDDEN");
    const look = await reader.callTool({ name: "memory_search", arguments: {} });
    expect(look.isError).toBeFalsy();
    const admin = await httpClient(server.url, { token: ADMIN, tools: "all", namespace: "team-a" });
    const got = await admin.callTool({ name: "session_get", arguments: { id: "read-only-2026-12-03" } });
    expect(toolError(got).code).toBe("SESSION_NOT_FOUND");
  });

  it("keeps namespaces apart: team B sees nothing of team A, and may not ask for it", async () => {
    const a = await httpClient(server.url, { token: WRITER, tools: "all" });
    expect(
      (await a.callTool({ name: "session_create", arguments: { id: "team-a-work-2026-12-03" } })).isError,
    ).toBeFalsy();
    const b = await httpClient(server.url, { token: OTHER, tools: "all" });
    expect((await b.callTool({ name: "session_list", arguments: {} })).structuredContent).toEqual({
      items: [],
      nextCursor: null,
    });
    const asked = await raw(`${server.url}/mcp`, {
      headers: { ...RPC, authorization: `Bearer ${OTHER}`, "x-tta-namespace": "team-a" },
      body: LIST,
    });
    expect(asked.status).toBe(403);
    expect(JSON.parse(asked.body).error.code).toBe("FORBIDDEN");
    const none = await raw(`${server.url}/mcp`, { headers: RPC, body: LIST });
    expect(none.status).toBe(401);
  });

  it("refuses a foreign Host even with a token, and answers malformed JSON-RPC with protocol errors", async () => {
    const foreign = await raw(`${server.url}/mcp`, {
      headers: { ...RPC, authorization: `Bearer ${ADMIN}`, host: "evil.example" },
      body: LIST,
    });
    expect(foreign.status).toBe(403);
    const auth = { ...RPC, authorization: `Bearer ${ADMIN}` };
    const notJson = await raw(`${server.url}/mcp`, { headers: auth, body: "{nope" });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.code).toBe(-32700);
    const notRpc = await raw(`${server.url}/mcp`, { headers: auth, body: '{"hello":1}' });
    expect(notRpc.status).toBe(400);
    const text = await raw(`${server.url}/mcp`, {
      headers: { ...auth, "content-type": "text/plain" },
      body: LIST,
    });
    expect(text.status).toBe(415);
    const get = await raw(`${server.url}/mcp`, {
      method: "GET",
      headers: { authorization: `Bearer ${ADMIN}`, accept: "text/event-stream" },
    });
    expect(get.status).toBe(405);
    const after = await raw(`${server.url}/mcp`, { headers: auth, body: LIST });
    expect(after.status).toBe(200);
  });

  it("refuses hostile arguments to every tool with isError and the contract's code", async () => {
    const admin = await httpClient(server.url, { token: ADMIN, tools: "all", namespace: "hostile" });
    expect(await expectHostileArgumentsRefused(admin)).toBeGreaterThan(100);
    expect((await admin.callTool({ name: "session_list", arguments: {} })).structuredContent).toEqual({
      items: [],
      nextCursor: null,
    });
  }, 120_000);

  it("serves resources and prompts with the token's namespace", async () => {
    const a = await httpClient(server.url, { token: WRITER, tools: "all" });
    await a.callTool({ name: "session_create", arguments: { id: "team-a-notes-2026-12-03" } });
    const { resources } = await a.listResources();
    expect(resources.map((r) => r.uri)).toContain("tta://session/team-a-notes-2026-12-03");
    const read = await a.readResource({ uri: "tta://context/team-a-notes-2026-12-03/plan" });
    expect((read.contents[0] as { text: string }).text).toContain("# Workflow context");
    expect((await a.listPrompts()).prompts).toHaveLength(6);
    expect((await a.listResourceTemplates()).resourceTemplates).toHaveLength(4);
    const prompt = await a.getPrompt({
      name: "implement",
      arguments: { session: "team-a-notes-2026-12-03" },
    });
    expect((prompt.messages[0]!.content as { text: string }).text).toContain("stage: implement");
    const b = await httpClient(server.url, { token: OTHER });
    await expect(b.readResource({ uri: "tta://session/team-a-notes-2026-12-03" })).rejects.toMatchObject({
      code: -32002,
    });
  });
});

describe("/mcp on a tokenless tta serve", () => {
  it("gives structured content equal to tta --json for every operation, and the same error codes", async () => {
    // The same kind of workspace on both sides (no config file, the default namespace).
    const server = await serve(workspace({ "PAFCORE.md": PARITY_PAFCORE }));
    const client = await httpClient(server.url, { tools: "all" });
    await expectParityWithCli(client, workspace({ "PAFCORE.md": PARITY_PAFCORE }));
  }, 240_000);

  it("refuses a foreign Origin and a cross-site fetch, and serves a loopback page", async () => {
    const server = await serve(workspace());
    const foreign = await raw(`${server.url}/mcp`, {
      headers: { ...RPC, origin: "https://evil.example" },
      body: LIST,
    });
    expect(foreign.status).toBe(403);
    const crossSite = await raw(`${server.url}/mcp`, {
      headers: { ...RPC, "sec-fetch-site": "cross-site" },
      body: LIST,
    });
    expect(crossSite.status).toBe(403);
    const rebound = await raw(`${server.url}/mcp`, {
      headers: { ...RPC, host: "attacker.example:7411" },
      body: LIST,
    });
    expect(rebound.status).toBe(403);
    const local = await raw(`${server.url}/mcp`, {
      headers: { ...RPC, origin: "http://localhost:3000" },
      body: LIST,
    });
    expect(local.status).toBe(200);
    const client = await httpClient(server.url);
    expect((await client.listTools()).tools).toHaveLength(DEFAULT_TOOLS.length);
    const commands = await client.callTool({
      name: "context_load",
      arguments: { sessionId: "ghost-none-2026-01-01", stage: "plan" },
    });
    expect(toolError(commands).code).toBe("SESSION_NOT_FOUND");
  });
});
