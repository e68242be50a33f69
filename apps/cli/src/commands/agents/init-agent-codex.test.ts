import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempWorkspace } from "../../../test/harness.js";

function setup() {
  const home = mkdtempSync(join(tmpdir(), "tta-home-"));
  return { root: tempWorkspace(), home, file: join(home, ".codex", "config.toml") };
}
type Setup = ReturnType<typeof setup>;

const init = (s: Setup, argv: string[], env: Record<string, string> = {}) =>
  runCli(["init", "--agent", "codex", ...argv], {
    cwd: s.root,
    env: { HOME: s.home, ...env },
    platform: "linux",
    ttaOnPath: () => true,
  });

const table = (root: string, tools = false) =>
  `[mcp_servers.tta]\ncommand = "tta"\nargs = ["mcp", "--workspace", "${root}"${tools ? ', "--tools", "all"' : ""}]\n`;

/** A config.toml as people write them: comments everywhere, other servers, sub-tables, profiles. */
const EXISTING = `# Codex settings
model = "gpt-5-codex"   # the default model
approval_policy = "on-request"

# Documentation lookups
[mcp_servers.context7]
command = "npx"
args = ["-y", "@upstash/context7-mcp"]

[mcp_servers.context7.env]
API_KEY = "k" # kept

[profiles.fast]
model = "o4-mini"
`;

describe("tta init --agent codex", () => {
  it("writes the table into an empty ~/.codex/config.toml", async () => {
    const s = setup();
    const r = await init(s, ["--json"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(s.file, "utf8")).toBe(table(s.root));
    expect(JSON.parse(r.stdout)).toEqual({
      client: "codex",
      file: s.file,
      action: "created",
      entry: { command: "tta", args: ["mcp", "--workspace", s.root] },
    });
  });

  it("writes into CODEX_HOME when it is set", async () => {
    const s = setup();
    const codexHome = join(s.home, "elsewhere");
    const r = await init(s, ["--json"], { CODEX_HOME: codexHome });
    expect(JSON.parse(r.stdout).file).toBe(join(codexHome, "config.toml"));
    expect(readFileSync(join(codexHome, "config.toml"), "utf8")).toBe(table(s.root));
    expect(readdirSync(s.home)).toEqual(["elsewhere"]);
  });

  it("appends to an existing file, comments and other tables byte for byte; a re-run changes nothing", async () => {
    const s = setup();
    mkdirSync(join(s.home, ".codex"));
    writeFileSync(s.file, EXISTING);
    expect((await init(s, [])).stdout).toMatch(/^updated /);
    expect(readFileSync(s.file, "utf8")).toBe(`${EXISTING}\n${table(s.root)}`);

    const before = statSync(s.file);
    const again = await init(s, ["--json"]);
    expect(JSON.parse(again.stdout).action).toBe("unchanged");
    expect(readFileSync(s.file, "utf8")).toBe(`${EXISTING}\n${table(s.root)}`);
    expect(statSync(s.file).mtimeMs).toBe(before.mtimeMs);

    expect(JSON.parse((await init(s, ["--tools", "all", "--json"])).stdout).action).toBe("updated");
    expect(readFileSync(s.file, "utf8")).toBe(`${EXISTING}\n${table(s.root, true)}`);
  });

  it("replaces an older tta table and its sub-tables in place", async () => {
    const s = setup();
    mkdirSync(join(s.home, ".codex"));
    const tail = '# the slow one\n[profiles.slow]\nmodel = "o3"\n';
    const old = `${EXISTING}\n[mcp_servers.tta]\ncommand = "/old/tta"\nargs = ["mcp"]\n\n[mcp_servers.tta.env]\nTTA_NAMESPACE = "x"\n\n${tail}`;
    writeFileSync(s.file, old);
    expect((await init(s, [])).code).toBe(0);
    expect(readFileSync(s.file, "utf8")).toBe(`${EXISTING}\n${table(s.root)}\n\n${tail}`);
  });

  it("prints the table with --print and writes nothing", async () => {
    const s = setup();
    const r = await init(s, ["--print", "--tools", "all"]);
    expect(r).toMatchObject({ code: 0, stdout: `# Codex: ${s.file}\n${table(s.root, true)}` });
    expect(readdirSync(s.home)).toEqual([]);
  });

  it("refuses a config.toml that does not parse with exit 2, naming the place, and leaves it as it is", async () => {
    const s = setup();
    mkdirSync(join(s.home, ".codex"));
    const broken = `${EXISTING}[mcp_servers.context7]\nurl = "again"\n`;
    writeFileSync(s.file, broken);
    const r = await init(s, ["--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { file: s.file, line: 15, column: 2 },
    });
    expect(readFileSync(s.file, "utf8")).toBe(broken);
    expect(readdirSync(join(s.home, ".codex"))).toEqual(["config.toml"]);
  });
});
