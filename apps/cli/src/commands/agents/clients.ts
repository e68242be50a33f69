import { join, posix, win32 } from "node:path";
import { ValidationError } from "@tta-dev/core";

/** The coding agents `tta init --agent` knows, in the order help and errors list them. */
export const AGENT_CLIENTS = ["claude-code", "cursor", "vscode", "codex", "claude-desktop"] as const;

/** One of {@link AGENT_CLIENTS}. */
export type AgentClient = (typeof AGENT_CLIENTS)[number];

/** How a client keeps its MCP servers: the file's format, its servers table and where the file lives. */
export interface ClientSpec {
  name: AgentClient;
  /** The product's own name, for messages. */
  label: string;
  format: "json" | "toml";
  /** The key of the table that maps server names to their entries. */
  serversKey: "mcpServers" | "servers" | "mcp_servers";
  /** `project`: a file of the workspace, meant to be committed; `user`: one file for the whole account. */
  scope: "project" | "user";
  /** Written first in the entry when the client wants the transport spelled out (VS Code). */
  type?: "stdio";
  /** The variable the client itself replaces by the workspace folder, written instead of the path. */
  workspaceVariable?: string;
  /**
   * False when the client is a desktop application started outside a shell: it does not see the
   * shell's PATH (nor `node` on it), so the entry names node and the CLI by absolute path.
   */
  shellPath: boolean;
}

const SPECS: Record<AgentClient, ClientSpec> = {
  "claude-code": {
    name: "claude-code",
    label: "Claude Code",
    format: "json",
    serversKey: "mcpServers",
    scope: "project",
    shellPath: true,
  },
  cursor: {
    name: "cursor",
    label: "Cursor",
    format: "json",
    serversKey: "mcpServers",
    scope: "project",
    shellPath: true,
  },
  vscode: {
    name: "vscode",
    label: "VS Code",
    format: "json",
    serversKey: "servers",
    scope: "project",
    type: "stdio",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: VS Code's own variable, written as it is
    workspaceVariable: "${workspaceFolder}",
    shellPath: true,
  },
  codex: {
    name: "codex",
    label: "Codex",
    format: "toml",
    serversKey: "mcp_servers",
    scope: "user",
    shellPath: true,
  },
  "claude-desktop": {
    name: "claude-desktop",
    label: "Claude Desktop",
    format: "json",
    serversKey: "mcpServers",
    scope: "user",
    shellPath: false,
  },
};

function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/** The known client closest to `name` (spelling, case and dashes aside), if one is close. */
function suggest(name: string): AgentClient | undefined {
  const given = squash(name);
  let best: { client: AgentClient; d: number } | undefined;
  for (const client of AGENT_CLIENTS) {
    const d = distance(given, squash(client));
    if (d <= 3 && (!best || d < best.d)) best = { client, d };
  }
  return best?.client;
}

/**
 * The spec of the client called `name`; anything else (`../x` included) is `VALIDATION_FAILED`
 * listing the clients, with the closest one when there is a close one.
 */
export function clientSpec(name: string): ClientSpec {
  if ((AGENT_CLIENTS as readonly string[]).includes(name)) return SPECS[name as AgentClient];
  const suggestion = suggest(name);
  throw new ValidationError(
    `Unknown coding agent ${JSON.stringify(name)} for --agent${suggestion ? ` (did you mean ${suggestion}?)` : ""}; known: ${AGENT_CLIENTS.join(", ")}`,
    { client: name, clients: [...AGENT_CLIENTS], ...(suggestion ? { suggestion } : {}) },
  );
}

/** What the location of a client's file depends on: nothing is read from the real process. */
export interface LocationContext {
  /** The workspace root (absolute): where the project-scoped files go. */
  root: string;
  /** The current folder (absolute), against which a relative `CODEX_HOME` is read. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  platform: NodeJS.Platform;
}

function home(spec: ClientSpec, ctx: LocationContext): string {
  // Windows keeps the profile in USERPROFILE; HOME there is usually unset or a shell's own.
  const value = ctx.platform === "win32" ? (ctx.env.USERPROFILE ?? ctx.env.HOME) : ctx.env.HOME;
  if (!value) {
    const name = ctx.platform === "win32" ? "USERPROFILE" : "HOME";
    throw new ValidationError(
      `${name} is not set: tta cannot tell where ${spec.label} keeps its configuration`,
      {
        variable: name,
        client: spec.name,
      },
    );
  }
  return value;
}

/**
 * The absolute path of the MCP configuration file of `spec` for this workspace and user:
 * `.mcp.json`, `.cursor/mcp.json`, `.vscode/mcp.json` in the workspace root; Codex's
 * `$CODEX_HOME/config.toml` (default `~/.codex`); Claude Desktop's file in the per-OS
 * application-data folder (macOS `~/Library/Application Support/Claude`, Windows
 * `%APPDATA%\Claude`, elsewhere `$XDG_CONFIG_HOME/Claude`, default `~/.config/Claude`).
 */
export function configFile(spec: ClientSpec, ctx: LocationContext): string {
  const p = ctx.platform === "win32" ? win32 : posix;
  switch (spec.name) {
    case "claude-code":
      return join(ctx.root, ".mcp.json");
    case "cursor":
      return join(ctx.root, ".cursor", "mcp.json");
    case "vscode":
      return join(ctx.root, ".vscode", "mcp.json");
    case "codex": {
      const codexHome = ctx.env.CODEX_HOME;
      const dir = codexHome ? p.resolve(ctx.cwd, codexHome) : p.join(home(spec, ctx), ".codex");
      return p.join(dir, "config.toml");
    }
    case "claude-desktop": {
      // Claude Desktop is an Electron app: its folder is Electron's appData folder plus "Claude".
      let appData: string;
      if (ctx.platform === "darwin") appData = p.join(home(spec, ctx), "Library", "Application Support");
      else if (ctx.platform === "win32")
        appData = ctx.env.APPDATA || p.join(home(spec, ctx), "AppData", "Roaming");
      else {
        const xdg = ctx.env.XDG_CONFIG_HOME;
        appData = xdg && p.isAbsolute(xdg) ? xdg : p.join(home(spec, ctx), ".config");
      }
      return p.join(appData, "Claude", "claude_desktop_config.json");
    }
  }
}
