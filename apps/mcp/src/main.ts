import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { exitCodeFor, type Handlers } from "@tta-dev/contract";
import {
  ForbiddenError,
  type MemoryBackend,
  resolveLimits,
  type TtaError,
  toTtaError,
  ValidationError,
} from "@tta-dev/core";
import { loadConfig, openBackend, openHandlers } from "@tta-dev/runtime";
import type { ToolSelection } from "./catalog.js";
import { selectTools } from "./catalog.js";
import { createTtaMcpServer } from "./server.js";

/** This package's version. */
export function mcpVersion(): string {
  return (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
  ).version;
}

const HELP = `tta-mcp — the tta MCP server over stdio (also: tta mcp)

Usage: tta-mcp [--tools default|all|<tool,tool…>] [--allow-commands] [--workspace DIR]
               [--dir .tta] [--backend file|redis|keyv|memory] [--redis-url URL] [--namespace NS]

stdout carries only the protocol; logs and warnings go to stderr. The workspace, .tta/config.yaml,
TTA_* variables and flags are resolved as tta resolves them. --tools default exposes the tools of an
agent's loop (context_load, message_append, memory_search, memory_create, session_create,
session_complete, group_add_session); --tools all exposes every operation. paf_validate runs the
Check: command lines only with --allow-commands.`;

/** Parse `--tools`: `default`, `all`, or a comma-separated list of tool (or operation) names. */
export function parseToolSelection(text: string | undefined): ToolSelection {
  if (text === undefined || text === "default") return "default";
  if (text === "all") return "all";
  const names = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  try {
    selectTools(names);
  } catch (error) {
    throw new ValidationError(`--tools: ${(error as Error).message}`, {
      issues: [{ path: "--tools", message: "unknown tool" }],
    });
  }
  return names;
}

/**
 * The SDK drops a line that is not JSON, or not JSON-RPC, reporting it only to `onerror`: answer it
 * with the JSON-RPC error (`-32700` parse error, `-32600` invalid request), as the protocol asks, and
 * keep serving.
 */
function answerMalformedLines(transport: StdioServerTransport): void {
  const report = transport.onerror;
  transport.onerror = (error: Error) => {
    const code = error instanceof SyntaxError ? -32700 : error.name === "ZodError" ? -32600 : undefined;
    if (code !== undefined) {
      const message =
        code === -32700 ? "Parse error: the line is not JSON." : "Invalid request: not JSON-RPC 2.0.";
      void transport
        .send({ jsonrpc: "2.0", id: null, error: { code, message } } as never)
        .catch(() => undefined);
    }
    report?.(error);
  };
}

function stderrLine(error: TtaError): void {
  process.stderr.write(`${JSON.stringify({ error: error.toJSON() })}\n`);
}

/**
 * Run the MCP server over stdio until the client closes stdin. Resolves with an exit code when
 * start-up fails (after printing the error as JSON on stderr), and with `undefined` once serving.
 */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  options: { version?: string } = {},
): Promise<number | undefined> {
  const version = options.version ?? mcpVersion();
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        tools: { type: "string" },
        "allow-commands": { type: "boolean" },
        workspace: { type: "string" },
        dir: { type: "string" },
        backend: { type: "string" },
        "redis-url": { type: "string" },
        namespace: { type: "string" },
        help: { type: "boolean" },
        version: { type: "boolean" },
      },
      strict: true,
    }).values;
  } catch (e) {
    stderrLine(new ValidationError((e as Error).message, { reason: "arguments" }));
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  try {
    const tools = parseToolSelection(values.tools as string | undefined);
    const root = values.workspace ? resolve(cwd, values.workspace as string) : cwd;
    const flag = (name: string) => (values[name] === undefined ? {} : { [name]: values[name] as string });
    const resolved = await loadConfig(root, env, {
      ...flag("dir"),
      ...flag("backend"),
      ...(values["redis-url"] !== undefined ? { redisUrl: values["redis-url"] as string } : {}),
      ...flag("namespace"),
    });
    const warn = (message: string) => process.stderr.write(`tta-mcp: warning: ${message}\n`);
    if (resolved.backend === "memory" || (resolved.backend === "keyv" && !resolved.config.keyv?.url)) {
      warn(`the ${resolved.backend} backend keeps data only while this server runs.`);
    }
    // The store opens after the client's `initialize` is answered; calls wait for it (the server
    // opens it once, and again after a failure).
    let backend: MemoryBackend | undefined;
    const handlers = async (): Promise<Handlers> => {
      backend ??= await openBackend(resolved);
      return openHandlers(resolved, backend, { version, logger: { warn } });
    };
    const allowCommands = values["allow-commands"] === true;
    const server = createTtaMcpServer({
      handlers,
      namespace: resolved.namespace,
      tools,
      limits: resolveLimits(resolved.config.limits ?? {}),
      namingPolicy: resolved.namingPolicy,
      version,
      authorize: (op, input) => {
        if (
          op.name === "paf.validate" &&
          (input as { allowCommands?: boolean }).allowCommands &&
          !allowCommands
        ) {
          throw new ForbiddenError(
            "paf_validate runs Check: command lines only when tta mcp was started with --allow-commands.",
            { missing: ["--allow-commands"] },
          );
        }
      },
    });
    const transport = new StdioServerTransport();
    let closing = false;
    const shutdown = async () => {
      if (closing) return;
      closing = true;
      // Answer what was asked before stdin closed, then stop.
      await Promise.race([server.drained(), new Promise((r) => setTimeout(r, 30_000).unref())]);
      await server.close().catch(() => undefined);
      await backend?.close().catch(() => undefined);
      process.exit(0);
    };
    transport.onclose = () => void shutdown();
    process.stdin.on("end", () => void shutdown());
    for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void shutdown());
    await server.connect(transport);
    answerMalformedLines(transport);
    server.open().catch(() => undefined); // open now; a failure is reported by the first call
    return undefined;
  } catch (err) {
    const e = toTtaError(err);
    stderrLine(e);
    return exitCodeFor(e.code);
  }
}
