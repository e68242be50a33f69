import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIST_BIN, ttaCommand } from "./child.js";
import { tempWorkspace } from "./harness.js";

/** Run `tta` as a real child process (TypeScript sources through tsx). */
function tta(
  argv: string[],
  options: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {},
) {
  const r = spawnSync(process.execPath, [...ttaCommand(), ...argv], {
    cwd: options.cwd ?? tempWorkspace(),
    input: options.input ?? "",
    env: { PATH: process.env.PATH ?? "", ...options.env },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("tta as a process", () => {
  it("prints its version, the same on the short path (--version alone) and through the program", () => {
    const r = tta(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(tta(["-V"]).stdout).toBe(r.stdout);
    const viaProgram = tta(["--no-color", "--version"]);
    expect(viaProgram).toMatchObject({ code: 0, stdout: r.stdout });
  });

  it("exits 2 on an unknown flag with the JSON error on stderr and nothing on stdout", () => {
    const r = tta(["session", "list", "--nope", "--json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(JSON.parse(r.stderr).error.code).toBe("VALIDATION_FAILED");
  });

  it("refuses a 2 MiB message piped on stdin with exit 2 and leaves the folder untouched", () => {
    const cwd = tempWorkspace();
    const r = tta(["message", "add", "auth-design-2025-10-01", "--json"], {
      cwd,
      input: "x".repeat(2 * 1024 * 1024),
    });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe("LIMIT_EXCEEDED");
    expect(readdirSync(cwd)).toEqual([".git"]);
  });

  it("exits 2 naming the key of a broken .tta/config.yaml", () => {
    const cwd = tempWorkspace();
    mkdirSync(join(cwd, ".tta"));
    writeFileSync(join(cwd, ".tta", "config.yaml"), "backend: floppy\n");
    const r = tta(["session", "list"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("backend");
    expect(r.stderr).toContain("config.yaml");
  });

  it("runs doctor on the in-memory backend chosen by TTA_BACKEND", () => {
    const r = tta(["doctor", "--json"], { env: { TTA_BACKEND: "memory" } });
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.backend.name).toBe("memory");
    expect(report.config.sources).toContainEqual({ kind: "env", name: "TTA_BACKEND", keys: ["backend"] });
  });

  it("prints the VS Code entry from the built bin.js with init --agent vscode --print, and writes nothing", () => {
    const cwd = tempWorkspace();
    const home = mkdtempSync(join(tmpdir(), "tta-home-"));
    const r = spawnSync(
      process.execPath,
      [...ttaCommand(true), "init", "--agent", "vscode", "--print", "--json"],
      {
        cwd,
        // No tta on this PATH: the entry names node and the bin.js that runs.
        env: { PATH: dirname(process.execPath), HOME: home },
        encoding: "utf8",
        timeout: 30_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed).toMatchObject({
      client: "vscode",
      file: join(cwd, ".vscode", "mcp.json"),
      entry: {
        type: "stdio",
        command: process.execPath,
        args: [DIST_BIN, "mcp", "--workspace", `\${workspaceFolder}`],
      },
    });
    expect(JSON.parse(printed.text).servers.tta).toEqual(printed.entry);
    expect(readdirSync(cwd)).toEqual([".git"]);
    expect(readdirSync(home)).toEqual([]);
  });
});
