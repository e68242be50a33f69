import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { runCli, tempWorkspace } from "../../../test/harness.js";
import type { RunOptions } from "../../run.js";
import { cliBinPath } from "./command.js";

function setup(name?: string) {
  let root = tempWorkspace();
  if (name !== undefined) {
    root = join(root, name);
    mkdirSync(join(root, ".git"), { recursive: true });
  }
  return { root, home: mkdtempSync(join(tmpdir(), "tta-home-")) };
}
type Setup = ReturnType<typeof setup>;

const init = (s: Setup, argv: string[], options: RunOptions & { env?: Record<string, string> } = {}) =>
  runCli(["init", ...argv], {
    cwd: s.root,
    platform: "linux",
    ttaOnPath: () => true,
    ...options,
    env: { HOME: s.home, ...options.env },
  });

const listing = (dir: string) => readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();

describe("tta init --agent, hostile and unusual input", () => {
  it("refuses a client it does not know with exit 2, listing the clients, and writes nothing", async () => {
    for (const name of ["../x", "..", "/etc/passwd", "claude-code/../../x", "", "VSCODE"]) {
      const s = setup();
      const r = await init(s, ["--agent", name, "--json"]);
      expect(r.code, name).toBe(2);
      const { error } = JSON.parse(r.stderr);
      expect(error.code).toBe("VALIDATION_FAILED");
      expect(error.details.clients).toEqual(["claude-code", "cursor", "vscode", "codex", "claude-desktop"]);
      expect(listing(s.root)).toEqual([".git"]);
      expect(listing(s.home)).toEqual([]);
    }
    const r = await init(setup(), ["--agent", "claude"]);
    expect(r.stderr).toContain(
      'tta: error VALIDATION_FAILED: Unknown coding agent "claude" for --agent; known: claude-code',
    );
  });

  it("escapes a workspace path with spaces, quotes, backslashes and dollars in JSON and TOML", async () => {
    const s = setup(`my "odd" \\dir's $HOME é`);
    expect((await init(s, ["--agent", "claude-code"])).code).toBe(0);
    const json = readFileSync(join(s.root, ".mcp.json"), "utf8");
    const escaped = s.root.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
    expect(json).toBe(
      `{\n  "mcpServers": {\n    "tta": {\n      "command": "tta",\n      "args": [\n        "mcp",\n        "--workspace",\n        "${escaped}"\n      ]\n    }\n  }\n}\n`,
    );
    expect(JSON.parse(json).mcpServers.tta.args[2]).toBe(s.root);

    const r = await init(s, ["--agent", "codex"]);
    expect(r.stdout).toContain(`tta mcp --workspace '${s.root.replaceAll("'", `'\\''`)}'`);
    const toml = readFileSync(join(s.home, ".codex", "config.toml"), "utf8");
    expect(toml).toBe(`[mcp_servers.tta]\ncommand = "tta"\nargs = ["mcp", "--workspace", "${escaped}"]\n`);
    expect(parse(toml)).toEqual({
      mcp_servers: { tta: { command: "tta", args: ["mcp", "--workspace", s.root] } },
    });
  });

  it("refuses a --tools value that is not a tool set name, and --print or --tools without --agent", async () => {
    const s = setup();
    for (const tools of ["all; rm -rf /", "", "a\nb"]) {
      const r = await init(s, ["--agent", "cursor", "--tools", tools, "--json"]);
      expect(r.code, tools).toBe(2);
      expect(JSON.parse(r.stderr).error.details).toEqual({ tools });
    }
    // A flag where the value should be is a usage error before the value is even looked at.
    expect((await init(s, ["--agent", "cursor", "--tools", "--workspace", "--json"])).code).toBe(2);
    for (const argv of [["--print"], ["--tools", "all"]]) {
      const r = await init(s, argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--print and --tools go with --agent <client>");
    }
    expect(listing(s.root)).toEqual([".git"]);
  });

  it("names node and this bin.js when the tta on PATH is not this CLI", async () => {
    const s = setup();
    const r = await init(s, ["--agent", "cursor", "--json"], { ttaOnPath: () => false });
    const entry = { command: process.execPath, args: [cliBinPath(), "mcp", "--workspace", s.root] };
    expect(JSON.parse(r.stdout).entry).toEqual(entry);
    expect(JSON.parse(readFileSync(join(s.root, ".cursor", "mcp.json"), "utf8")).mcpServers.tta).toEqual(
      entry,
    );
  });

  it.skipIf(process.platform === "win32" || !existsSync(cliBinPath()))(
    "looks tta up on the PATH of io.env by default",
    async () => {
      const s = setup();
      const bin = join(s.home, "bin");
      mkdirSync(bin);
      // A shim as a global install leaves it (the built bin.js itself is not executable).
      writeFileSync(join(bin, "tta"), `#!/bin/sh\nexec node "${cliBinPath()}" "$@"\n`, { mode: 0o755 });
      const r = await runCli(["init", "--agent", "vscode", "--print", "--json"], {
        cwd: s.root,
        env: { HOME: s.home, PATH: bin },
        platform: "linux",
      });
      expect(JSON.parse(r.stdout).entry.command).toBe("tta");
      const none = await runCli(["init", "--agent", "vscode", "--print", "--json"], {
        cwd: s.root,
        env: { HOME: s.home, PATH: s.root },
        platform: "linux",
      });
      expect(JSON.parse(none.stdout).entry.command).toBe(process.execPath);
    },
  );

  it("puts Claude Desktop's file where macOS and Windows keep it", async () => {
    const s = setup();
    const mac = await init(s, ["--agent", "claude-desktop", "--json"], { platform: "darwin" });
    const file = join(s.home, "Library", "Application Support", "Claude", "claude_desktop_config.json");
    expect(JSON.parse(mac.stdout)).toMatchObject({ file, action: "created" });
    expect(existsSync(file)).toBe(true);
    const win = await init(s, ["--agent", "claude-desktop", "--print", "--json"], {
      platform: "win32",
      env: { APPDATA: "C:\\Users\\a b\\AppData\\Roaming" },
    });
    expect(JSON.parse(win.stdout)).toMatchObject({
      file: "C:\\Users\\a b\\AppData\\Roaming\\Claude\\claude_desktop_config.json",
      entry: { command: process.execPath },
    });
  });

  it("needs HOME for a user file, and never falls back to the real home folder", async () => {
    const r = await runCli(["init", "--agent", "codex", "--json"], { cwd: tempWorkspace(), env: {} });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.details).toEqual({ variable: "HOME", client: "codex" });
  });

  it("writes a user file through its symbolic link and says so", async () => {
    const s = setup();
    mkdirSync(join(s.home, "dotfiles"));
    mkdirSync(join(s.home, ".codex"));
    writeFileSync(join(s.home, "dotfiles", "codex.toml"), 'model = "o3"\n');
    symlinkSync(join(s.home, "dotfiles", "codex.toml"), join(s.home, ".codex", "config.toml"));
    const r = await init(s, ["--agent", "codex"]);
    expect(r.stdout).toContain(
      `(written through the symbolic link to ${join(s.home, "dotfiles", "codex.toml")})`,
    );
    expect(lstatSync(join(s.home, ".codex", "config.toml")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(s.home, "dotfiles", "codex.toml"), "utf8")).toMatch(
      /^model = "o3"\n\n\[mcp_servers\.tta\]\n/,
    );
  });

  it("refuses a project file whose link leads out of the workspace, and leaves the target alone", async () => {
    const s = setup();
    const outside = join(s.home, "elsewhere.json");
    writeFileSync(outside, "{}\n");
    symlinkSync(outside, join(s.root, ".mcp.json"));
    const r = await init(s, ["--agent", "claude-code", "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.message).toContain("outside the workspace");
    expect(readFileSync(outside, "utf8")).toBe("{}\n");
  });

  it("prints nothing with --quiet, and keeps tta init without --agent as it was", async () => {
    const s = setup();
    expect(await init(s, ["--agent", "vscode", "--quiet"])).toMatchObject({
      code: 0,
      stdout: "",
      stderr: "",
    });
    const r = await init(s, ["--json"]);
    expect(JSON.parse(r.stdout).created).toEqual([
      join(s.root, ".tta", "config.yaml"),
      join(s.root, "PAFCORE.md"),
    ]);
  });
});
