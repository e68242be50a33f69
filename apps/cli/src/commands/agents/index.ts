import { ValidationError } from "@tta-dev/core";
import type { CliIo } from "../../io.js";
import type { OutputMode } from "../../output.js";
import { CLAUDE_HOOK_EVENTS } from "./claude-hooks.js";
import { clientSpec } from "./clients.js";
import { cliBinPath, type TtaOnPath, ttaOnPath } from "./command.js";
import {
  type AgentEnvironment,
  type AgentRegistration,
  ENTRY_NAME,
  previewAgent,
  registerAgent,
} from "./register.js";
import { shellWord } from "./shell-word.js";

/** The flags of `tta init` that concern a coding agent. */
export interface AgentInitRequest {
  agent?: string;
  print?: boolean;
  tools?: string;
}

/** What tests replace: the operating system and the PATH lookup of `tta`. */
export interface AgentInitOptions {
  platform?: NodeJS.Platform;
  ttaOnPath?: TtaOnPath;
}

function commandLine(entry: Record<string, unknown>): string {
  return [entry.command as string, ...(entry.args as string[])].map(shellWord).join(" ");
}

function describe(r: AgentRegistration): string {
  const spec = clientSpec(r.client);
  const through = r.target ? `  (written through the symbolic link to ${r.target})\n` : "";
  const hooks = r.hooks
    ? `${r.hooks.action} ${r.hooks.file}\n  hooks (${CLAUDE_HOOK_EVENTS.join(", ")}): ${r.hooks.command}\n`
    : "";
  return `${r.action} ${r.file}\n  ${spec.serversKey}.${ENTRY_NAME} for ${spec.label}: ${commandLine(r.entry)}\n${through}${hooks}`;
}

/**
 * `tta init --agent <client> [--print] [--tools <set>]`: register `tta mcp` with a coding agent,
 * or with `--print` show the entry and its file without writing. Prints the result (JSON with
 * `--json`) and returns the exit code.
 */
export async function agentInit(
  request: AgentInitRequest,
  io: CliIo,
  mode: OutputMode,
  options: AgentInitOptions = {},
): Promise<number> {
  if (request.agent === undefined) {
    throw new ValidationError("--print and --tools go with --agent <client> (see tta init --help)", {
      reason: "agent.missing",
    });
  }
  const env: AgentEnvironment = {
    cwd: io.cwd,
    env: io.env,
    platform: options.platform ?? process.platform,
    execPath: process.execPath,
    binPath: cliBinPath(),
    ttaOnPath: options.ttaOnPath ?? ttaOnPath,
  };
  const wanted = { client: request.agent, ...(request.tools !== undefined ? { tools: request.tools } : {}) };
  if (request.print) {
    const preview = previewAgent(wanted, env);
    if (mode.json) {
      io.stdout.write(`${JSON.stringify(preview)}\n`);
    } else {
      const spec = clientSpec(preview.client);
      io.stdout.write(`# ${spec.label}: ${preview.file}\n${preview.text}`);
    }
    return 0;
  }
  const result = await registerAgent(wanted, env);
  if (mode.json) io.stdout.write(`${JSON.stringify(result)}\n`);
  else if (!mode.quiet) io.stdout.write(describe(result));
  return 0;
}
