import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { Handlers } from "@tta-dev/contract";
import { toTtaError } from "@tta-dev/core";
import { z } from "zod";
import { selectTools } from "./catalog.js";
import type { TtaMcpServerOptions } from "./options.js";
import { getPrompt, PROMPTS } from "./prompts.js";
import { listResources, RESOURCE_TEMPLATES, ResourceNotFound, readResource } from "./resources.js";
import { callTool, errorResult, listedTool } from "./tools.js";

/** The handlers, opened once on first use; a failed opening is tried again on the next call. */
function lazyHandlers(given: Handlers | (() => Promise<Handlers>)): () => Promise<Handlers> {
  if (typeof given !== "function") return async () => given;
  let opening: Promise<Handlers> | undefined;
  return () => {
    opening ??= given().catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };
}

/** The SDK's server, plus a way to wait for the requests in flight. */
export type TtaMcpServer = Server & {
  /** Resolves once every request received so far has been answered. */
  drained(): Promise<void>;
  /** Opens the handlers now (they open on the first call otherwise). */
  open(): Promise<Handlers>;
};

/** `tools/call` as the protocol layer parses it before the server's own check: params untouched. */
const RawCallToolRequest = z.object({ method: z.literal("tools/call"), params: z.unknown() });

/** JSON-RPC code of a resource that does not exist (MCP). */
const RESOURCE_NOT_FOUND = -32002;

const INSTRUCTIONS =
  "tta keeps this project's sessions, their messages, deep memories (lessons, decisions, failures) and " +
  "Permanent Architectural Facts. At the start of each workflow stage call context_load for the session; " +
  "record messages with message_append; search deep memory before deciding; store what should outlive the " +
  "session with memory_create, and lessons with session_complete.";

/**
 * The MCP server of tta: every operation of the contract as a tool (the selected set), resources for
 * sessions, messages, memories, PAFs and stage contexts, and one prompt per workflow stage. It holds no
 * business logic: each call goes through the contract's input checks and the operation's handler.
 * Connect it to a transport (stdio, or Streamable HTTP per request).
 *
 * @example
 * const server = createTtaMcpServer({ handlers, namespace: "default", version: "0.1.0" });
 * await server.connect(new StdioServerTransport());
 */
export function createTtaMcpServer(options: TtaMcpServerOptions): TtaMcpServer {
  const handlers = lazyHandlers(options.handlers);
  const tools = selectTools(options.tools ?? "default");
  // A tool the caller may not run is not listed; calling it anyway is refused by `authorize`.
  const listed = tools.filter((t) => options.canCall?.(t.op) ?? true);
  const byName = new Map(tools.map((t) => [t.name, t]));
  const ctx = {
    ...options,
    // An agent reads markdown best; a caller asking for JSON still gets it.
    defaults: { "context.load": { format: "markdown" }, ...(options.defaults ?? {}) },
  };
  const server = new Server(
    { name: "tta", title: "tta memory", version: options.version },
    { capabilities: { tools: {}, resources: {}, prompts: {} }, instructions: INSTRUCTIONS },
  ) as TtaMcpServer;
  // Requests in flight, so that a client closing stdin right after its last request still gets
  // every answer (see `drained`).
  const inFlight = new Set<Promise<unknown>>();
  const register = server.setRequestHandler.bind(server) as (
    schema: unknown,
    handler: (request: never, extra: unknown) => Promise<unknown>,
  ) => void;
  server.setRequestHandler = ((
    schema: unknown,
    handler: (request: never, extra: unknown) => Promise<unknown>,
  ) =>
    register(schema, (request, extra) => {
      const run = handler(request, extra);
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run)).catch(() => undefined);
      return run;
    })) as typeof server.setRequestHandler;
  server.open = handlers;
  server.drained = async () => {
    while (inFlight.size) await Promise.allSettled([...inFlight]);
  };

  const protocolError = (error: unknown): McpError => {
    if (error instanceof McpError) return error;
    if (error instanceof ResourceNotFound) {
      return new McpError(RESOURCE_NOT_FOUND, error.message, { uri: error.uri });
    }
    const e = toTtaError(error);
    options.onError?.(e);
    const shown = options.showError ? options.showError(e) : e.toJSON();
    const code =
      e.code === "INTERNAL" || e.code.startsWith("BACKEND")
        ? ErrorCode.InternalError
        : ErrorCode.InvalidParams;
    return new McpError(code, shown.message, { error: shown });
  };

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: listed.map(listedTool) }));
  // The SDK checks the request against its own CallToolRequestSchema (-32602 when it does not fit);
  // registering with a loose schema hands the handler the arguments exactly as they arrived, so that
  // a `__proto__` key is refused by tta's checks instead of silently dropped by a copy.
  server.setRequestHandler(RawCallToolRequest, async (raw) => {
    const request = raw as unknown as { params: { name: string; arguments?: unknown } };
    const tool = byName.get(request.params.name);
    if (!tool) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${request.params.name}".`, {
        tools: tools.map((t) => t.name),
      });
    }
    let opened: Handlers;
    try {
      opened = await handlers();
    } catch (error) {
      return errorResult(toTtaError(error), options.showError);
    }
    return callTool(tool, request.params.arguments, opened, ctx);
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: [...RESOURCE_TEMPLATES],
  }));
  server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    try {
      return await listResources(request.params?.cursor, await handlers(), ctx);
    } catch (error) {
      throw protocolError(error);
    }
  });
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    try {
      return { contents: [await readResource(request.params.uri, await handlers(), ctx)] };
    } catch (error) {
      throw protocolError(error);
    }
  });

  server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts: [...PROMPTS] }));
  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    try {
      return await getPrompt(request.params.name, request.params.arguments, await handlers(), ctx);
    } catch (error) {
      throw protocolError(error);
    }
  });
  return server;
}
