import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Handlers } from "@tta-dev/contract";
import type { Limits, NamingPolicy } from "@tta-dev/core";
import { toTtaError } from "@tta-dev/core";
import { createTtaMcpServer, parseToolSelection, type ToolSelection } from "@tta-dev/mcp";
import type { Context } from "hono";
import { authenticate, type Principal, requireScope, resolveNamespace, type TokenRecord } from "./auth.js";
import type { ErrorBodyOf } from "./error-body.js";
import { type CommandPolicy, checkCommands } from "./guard.js";
import { HTTP_STATUS } from "./status.js";

/** What the `/mcp` endpoint shares with the app's `/v1` routes. */
export interface McpRouteOptions {
  handlers: Handlers;
  tokens: readonly TokenRecord[];
  defaultNamespace: string;
  limits?: Partial<Limits>;
  namingPolicy?: NamingPolicy;
  version: string;
  commands: CommandPolicy;
  errorBody: ErrorBodyOf;
  /** The tool set when a request names none (`?tools=`); default `default`. */
  tools?: ToolSelection;
}

function hasScope(p: Principal, scope: "read" | "write" | "admin"): boolean {
  try {
    requireScope(p, scope);
    return true;
  } catch {
    return false;
  }
}

function rpcError(code: number, message: string, status: number): Response {
  return new Response(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code, message } }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/**
 * Streamable HTTP MCP at `/mcp`, stateless: each POST gets its own server and transport, so no
 * session can expire under an idle agent and any server process can answer. The same bearer tokens,
 * scopes and namespaces as `/v1` apply (a tool is listed and callable only with its operation's
 * scope; `X-TTA-Namespace` picks the namespace the token allows), and the app's request guard has
 * already checked Host, Origin and the content type.
 */
export function mcpRoute(options: McpRouteOptions): (c: Context) => Promise<Response> {
  return async (c) => {
    const requestId = c.get("requestId") as string;
    if (c.req.method !== "POST") {
      // Stateless: no server-to-client stream to open (GET) and no session to end (DELETE).
      return new Response(null, { status: 405, headers: { allow: "POST" } });
    }
    let principal: Principal | null = null;
    let namespace: string;
    let tools: ToolSelection;
    try {
      if (options.tokens.length) principal = authenticate(c.req.header("authorization"), options.tokens);
      namespace = resolveNamespace(
        principal,
        c.req.header("x-tta-namespace") || undefined,
        options.defaultNamespace,
      );
      const asked = c.req.query("tools");
      tools = asked === undefined ? (options.tools ?? "default") : parseToolSelection(asked);
    } catch (err) {
      const e = toTtaError(err);
      return c.json(options.errorBody(e, requestId, "mcp"), HTTP_STATUS[e.code] as 401);
    }
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return rpcError(-32700, "Parse error: the body is not JSON.", 400);
    }
    const server = createTtaMcpServer({
      handlers: options.handlers,
      namespace,
      tools,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.namingPolicy ? { namingPolicy: options.namingPolicy } : {}),
      version: options.version,
      canCall: (op) => principal === null || hasScope(principal, op.http.scope),
      authorize: (op, input) => {
        if (principal) requireScope(principal, op.http.scope);
        checkCommands(op.name, input, principal, options.commands);
      },
      showError: (e) => options.errorBody(e, requestId, "mcp").error,
    });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    try {
      await server.connect(transport);
      return await transport.handleRequest(c.req.raw, { parsedBody: body });
    } finally {
      await transport.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    }
  };
}
