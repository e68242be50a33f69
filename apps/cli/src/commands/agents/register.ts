import { join } from "node:path";
import { ValidationError } from "@tta-dev/core";
import { findWorkspaceRoot } from "@tta-dev/runtime";
import { mergeClaudeHooks } from "./claude-hooks.js";
import { type AgentClient, type ClientSpec, clientSpec, configFile } from "./clients.js";
import { type LauncherContext, launcher } from "./command.js";
import { jsonSnippet, type MergeResult, mergeJsonEntry } from "./json-merge.js";
import { shellWord } from "./shell-word.js";
import { mergeTomlEntry, tomlTable } from "./toml-merge.js";
import { openTarget, writeTarget } from "./write.js";

/** The name of the entry in every client's servers table. */
export const ENTRY_NAME = "tta";

/** What `tta init --agent` was asked for. */
export interface AgentRequest {
  client: string;
  /** Passed on as `tta mcp --tools <set>`. */
  tools?: string;
}

/** Everything outside the request that the entry and the file depend on. */
export interface AgentEnvironment extends LauncherContext {
  /** The current folder: the workspace is found from it. */
  cwd: string;
}

/** The entry of one client and the file it belongs in. */
export interface AgentPreview {
  client: AgentClient;
  file: string;
  entry: Record<string, unknown>;
  /** The entry in the file's own syntax, as it would stand in a file of its own. */
  text: string;
}

/** What `registerAgent` did. */
export interface AgentRegistration {
  client: AgentClient;
  file: string;
  action: MergeResult["action"];
  entry: Record<string, unknown>;
  /** Where the bytes went when `file` is a symbolic link. */
  target?: string;
  /** Claude Code only: the hook entries merged into `.claude/settings.json`. */
  hooks?: { file: string; action: MergeResult["action"]; command: string };
}

/** A tool set name: letters, digits and `_ . , : + -`, as a flag value can carry safely. */
const TOOL_SET = /^[A-Za-z0-9][A-Za-z0-9_.,:+-]{0,63}$/;

function plan(
  request: AgentRequest,
  env: AgentEnvironment,
): { spec: ClientSpec; root: string; file: string; entry: Record<string, unknown> } {
  const spec = clientSpec(request.client);
  if (request.tools !== undefined && !TOOL_SET.test(request.tools)) {
    throw new ValidationError(
      `--tools takes the name of a tool set of tta mcp (such as all), not ${JSON.stringify(request.tools)}`,
      { tools: request.tools },
    );
  }
  const root = findWorkspaceRoot(env.cwd);
  const file = configFile(spec, { root, cwd: env.cwd, env: env.env, platform: env.platform });
  // A project file may name the workspace by the client's own variable: it then works in any clone.
  const workspace = spec.workspaceVariable ?? root;
  const args = [
    "mcp",
    "--workspace",
    workspace,
    ...(request.tools !== undefined ? ["--tools", request.tools] : []),
  ];
  const { command, args: full } = launcher(env, spec.shellPath, args);
  const entry = { ...(spec.type ? { type: spec.type } : {}), command, args: full };
  return { spec, root, file, entry };
}

/** The entry `registerAgent` would write and where, without reading or writing any file. */
export function previewAgent(request: AgentRequest, env: AgentEnvironment): AgentPreview {
  const { spec, file, entry } = plan(request, env);
  const text =
    spec.format === "json"
      ? jsonSnippet(spec.serversKey, ENTRY_NAME, entry)
      : `${tomlTable([spec.serversKey, ENTRY_NAME], entry).join("\n")}\n`;
  return { client: spec.name, file, entry, text };
}

/**
 * Register `tta mcp --workspace <root>` as the server `tta` in the MCP configuration of a coding
 * agent. The file is merged (every other server and key kept), written atomically, and left
 * untouched when it already holds this entry; a file that does not parse is refused. Project files
 * must stay inside the workspace once symbolic links are resolved; user files are written through
 * their link.
 */
export async function registerAgent(
  request: AgentRequest,
  env: AgentEnvironment,
): Promise<AgentRegistration> {
  const { spec, root, file, entry } = plan(request, env);
  const target = openTarget(file, spec.scope === "project" ? root : undefined);
  const merged =
    spec.format === "json"
      ? mergeJsonEntry(target.existing, spec.serversKey, ENTRY_NAME, entry, file)
      : await mergeTomlEntry(target.existing, ENTRY_NAME, entry, file);
  if (merged.text !== undefined) writeTarget(target, merged.text);
  return {
    client: spec.name,
    file,
    action: merged.action,
    entry,
    ...(target.symlink ? { target: target.real } : {}),
    ...(spec.name === "claude-code" ? { hooks: registerClaudeHooks(root, env) } : {}),
  };
}

/**
 * Merge `tta hook claude-code` into the project's `.claude/settings.json` for every event it
 * handles (see {@link mergeClaudeHooks}); written atomically, inside the workspace.
 */
function registerClaudeHooks(root: string, env: AgentEnvironment): NonNullable<AgentRegistration["hooks"]> {
  const file = join(root, ".claude", "settings.json");
  const { command, args } = launcher(env, true, ["hook", "claude-code"]);
  const line = [command, ...args].map(shellWord).join(" ");
  const target = openTarget(file, root);
  const merged = mergeClaudeHooks(target.existing, line, file);
  if (merged.text !== undefined) writeTarget(target, merged.text);
  return { file, action: merged.action, command: line };
}
