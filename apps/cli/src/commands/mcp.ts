import type { CliIo } from "../io.js";
import type { GlobalFlags } from "../program.js";
import { cliVersion } from "../version.js";

/** What `tta mcp` was asked for. */
export interface McpRequest {
  tools?: string;
  allowCommands?: boolean;
  globals: GlobalFlags;
}

/** The `tta-mcp` arguments of a `tta mcp` invocation: its own flags and the global ones. */
export function mcpArgs(request: McpRequest): string[] {
  const g = request.globals;
  const pairs: [string, string | undefined][] = [
    ["--tools", request.tools],
    ["--dir", g.dir],
    ["--backend", g.backend],
    ["--redis-url", g.redisUrl],
    ["--namespace", g.namespace],
  ];
  return [
    ...pairs.flatMap(([flag, value]) => (value === undefined ? [] : [flag, value])),
    ...(request.allowCommands ? ["--allow-commands"] : []),
  ];
}

/**
 * `tta mcp`: run the MCP server of `@tta-dev/mcp` over stdio, imported only now. Resolves with the exit
 * code of a failed start-up, or 0 once serving (it runs until the client closes stdin).
 */
export async function mcp(request: McpRequest, io: CliIo): Promise<number> {
  const { main } = await import("@tta-dev/mcp");
  const code = await main(mcpArgs(request), { ...io.env } as NodeJS.ProcessEnv, io.cwd, {
    version: cliVersion(),
  });
  return code ?? 0;
}
