import { expectCode } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { AGENT_CLIENTS, clientSpec, configFile, type LocationContext } from "./clients.js";

const ctx = (platform: NodeJS.Platform, env: Record<string, string>): LocationContext => ({
  root: "/w",
  cwd: "/w/sub",
  env,
  platform,
});

/** The VALIDATION_FAILED error `fn` throws. */
const refusal = (fn: () => unknown) => expectCode(fn, "VALIDATION_FAILED");

describe("the clients", () => {
  it("put the project files in the workspace root", () => {
    const at = (name: string) => configFile(clientSpec(name), ctx("linux", { HOME: "/h" }));
    expect(at("claude-code")).toBe("/w/.mcp.json");
    expect(at("cursor")).toBe("/w/.cursor/mcp.json");
    expect(at("vscode")).toBe("/w/.vscode/mcp.json");
  });

  it("put Codex's file in CODEX_HOME, else ~/.codex", () => {
    const codex = clientSpec("codex");
    expect(configFile(codex, ctx("linux", { HOME: "/h" }))).toBe("/h/.codex/config.toml");
    expect(configFile(codex, ctx("linux", { HOME: "/h", CODEX_HOME: "/c" }))).toBe("/c/config.toml");
    expect(configFile(codex, ctx("linux", { HOME: "/h", CODEX_HOME: "rel" }))).toBe("/w/sub/rel/config.toml");
    expect(configFile(codex, ctx("linux", { HOME: "/h", CODEX_HOME: "" }))).toBe("/h/.codex/config.toml");
    expect(configFile(codex, ctx("win32", { USERPROFILE: "C:\\Users\\a" }))).toBe(
      "C:\\Users\\a\\.codex\\config.toml",
    );
  });

  it("put Claude Desktop's file in each system's application-data folder", () => {
    const desktop = clientSpec("claude-desktop");
    expect(configFile(desktop, ctx("darwin", { HOME: "/Users/a" }))).toBe(
      "/Users/a/Library/Application Support/Claude/claude_desktop_config.json",
    );
    expect(configFile(desktop, ctx("win32", { APPDATA: "C:\\Users\\a\\AppData\\Roaming" }))).toBe(
      "C:\\Users\\a\\AppData\\Roaming\\Claude\\claude_desktop_config.json",
    );
    expect(configFile(desktop, ctx("win32", { USERPROFILE: "C:\\Users\\a" }))).toBe(
      "C:\\Users\\a\\AppData\\Roaming\\Claude\\claude_desktop_config.json",
    );
    expect(configFile(desktop, ctx("linux", { HOME: "/h" }))).toBe(
      "/h/.config/Claude/claude_desktop_config.json",
    );
    expect(configFile(desktop, ctx("linux", { HOME: "/h", XDG_CONFIG_HOME: "/x" }))).toBe(
      "/x/Claude/claude_desktop_config.json",
    );
    expect(configFile(desktop, ctx("linux", { HOME: "/h", XDG_CONFIG_HOME: "rel" }))).toBe(
      "/h/.config/Claude/claude_desktop_config.json",
    );
  });

  it("need a home folder for the user files, and never guess one", () => {
    const e = refusal(() => configFile(clientSpec("codex"), ctx("linux", {})));
    expect(e.message).toBe("HOME is not set: tta cannot tell where Codex keeps its configuration");
    expect(refusal(() => configFile(clientSpec("claude-desktop"), ctx("win32", {}))).details.variable).toBe(
      "USERPROFILE",
    );
  });

  it("refuse an unknown name, listing the clients and the closest one", () => {
    for (const name of ["../x", "", "claude", "x\n\u001b[2J"]) {
      const e = refusal(() => clientSpec(name));
      expect(e.details).toMatchObject({ client: name, clients: [...AGENT_CLIENTS] });
      expect(e.message).toContain(`known: ${AGENT_CLIENTS.join(", ")}`);
      expect(e.message).not.toContain("\u001b");
    }
    expect(refusal(() => clientSpec("VSCode")).details.suggestion).toBe("vscode");
    expect(refusal(() => clientSpec("claude_desktop")).message).toContain("(did you mean claude-desktop?)");
    expect(refusal(() => clientSpec("curser")).details.suggestion).toBe("cursor");
    expect(refusal(() => clientSpec("../x")).details.suggestion).toBeUndefined();
  });
});
