import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempWorkspace } from "../../../test/harness.js";
import { cliBinPath } from "./command.js";

// Claude Desktop does not see the shell's PATH: its entry always names node and bin.js.
const NODE = process.execPath;
const BIN = cliBinPath();

/** A workspace and a home folder of their own; `tta` on PATH counts as this CLI. */
function setup() {
  return { root: tempWorkspace(), home: mkdtempSync(join(tmpdir(), "tta-home-")) };
}
type Setup = ReturnType<typeof setup>;

const init = (s: Setup, ...argv: string[]) =>
  runCli(["init", "--agent", ...argv], {
    cwd: s.root,
    env: { HOME: s.home },
    platform: "linux",
    ttaOnPath: () => true,
  });

interface Case {
  client: string;
  file: (s: Setup) => string;
  /** The file written into an empty workspace. */
  created: (root: string) => string;
  /** A file the user already has, and what it becomes; `--tools all` changes `mcp", "--workspace"…` only. */
  existing: string;
  merged: (root: string, tools?: boolean) => string;
  malformed: [text: string, line: number, column: number];
}

const args = (workspace: string, tools: boolean | undefined, pad: string) =>
  [`"mcp"`, `"--workspace"`, `"${workspace}"`, ...(tools ? [`"--tools"`, `"all"`] : [])].join(`,\n${pad}`);

const mcpServersFile = (root: string) => `{
  "mcpServers": {
    "tta": {
      "command": "tta",
      "args": [
        "mcp",
        "--workspace",
        "${root}"
      ]
    }
  }
}
`;

const GITHUB = `{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-github"
      ],
      "env": {
        "GITHUB_TOKEN": "\${GITHUB_TOKEN}"
      }
    }
  },
  "z-note": 1.50
}
`;
const githubMerged = (root: string, tools?: boolean) => `{
  "mcpServers": {
    "github": {
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-github"
      ],
      "env": {
        "GITHUB_TOKEN": "\${GITHUB_TOKEN}"
      }
    },
    "tta": {
      "command": "tta",
      "args": [
        ${args(root, tools, "        ")}
      ]
    }
  },
  "z-note": 1.50
}
`;

const CASES: Case[] = [
  {
    client: "claude-code",
    file: (s) => join(s.root, ".mcp.json"),
    created: mcpServersFile,
    existing: GITHUB,
    merged: githubMerged,
    malformed: ['{\n  "mcpServers": {\n    "a": {},\n  }\n}\n', 4, 3],
  },
  {
    client: "cursor",
    file: (s) => join(s.root, ".cursor", "mcp.json"),
    created: mcpServersFile,
    existing: GITHUB,
    merged: githubMerged,
    malformed: ["{\n  // my servers\n}\n", 2, 3],
  },
  {
    client: "vscode",
    file: (s) => join(s.root, ".vscode", "mcp.json"),
    created: () => `{
  "servers": {
    "tta": {
      "type": "stdio",
      "command": "tta",
      "args": [
        "mcp",
        "--workspace",
        "\${workspaceFolder}"
      ]
    }
  }
}
`,
    existing: `{
  "inputs": [
    {
      "type": "promptString",
      "id": "api-key",
      "password": true
    }
  ],
  "servers": {
    "memory": {
      "type": "stdio",
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-memory"
      ]
    }
  }
}
`,
    merged: (_root, tools) => `{
  "inputs": [
    {
      "type": "promptString",
      "id": "api-key",
      "password": true
    }
  ],
  "servers": {
    "memory": {
      "type": "stdio",
      "command": "npx",
      "args": [
        "-y",
        "@modelcontextprotocol/server-memory"
      ]
    },
    "tta": {
      "type": "stdio",
      "command": "tta",
      "args": [
        ${args(`\${workspaceFolder}`, tools, "        ")}
      ]
    }
  }
}
`,
    malformed: ['{"servers": {"a": 1,}}', 1, 21],
  },
  {
    client: "claude-desktop",
    file: (s) => join(s.home, ".config", "Claude", "claude_desktop_config.json"),
    created: (root) => `{
  "mcpServers": {
    "tta": {
      "command": "${NODE}",
      "args": [
        "${BIN}",
        "mcp",
        "--workspace",
        "${root}"
      ]
    }
  }
}
`,
    existing: `{
  "globalShortcut": "Ctrl+Space",
  "mcpServers": {}
}
`,
    merged: (root, tools) => `{
  "globalShortcut": "Ctrl+Space",
  "mcpServers": {
    "tta": {
      "command": "${NODE}",
      "args": [
        "${BIN}",
        ${args(root, tools, "        ")}
      ]
    }
  }
}
`,
    malformed: ['{"mcpServers": {}', 1, 18],
  },
];

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

describe.each(CASES)("tta init --agent $client", (c) => {
  it("writes the documented file into an empty workspace", async () => {
    const s = setup();
    const r = await init(s, c.client, "--json");
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(readFileSync(c.file(s), "utf8")).toBe(c.created(s.root));
    const entry = JSON.parse(c.created(s.root))[c.client === "vscode" ? "servers" : "mcpServers"].tta;
    const hooks =
      c.client === "claude-code"
        ? {
            hooks: {
              file: join(s.root, ".claude", "settings.json"),
              action: "created",
              command: "tta hook claude-code",
            },
          }
        : {};
    expect(JSON.parse(r.stdout)).toEqual({
      client: c.client,
      file: c.file(s),
      action: "created",
      entry,
      ...hooks,
    });
    // It registers only: no .tta/ and no PAFCORE.md appear.
    expect(existsSync(join(s.root, ".tta"))).toBe(false);
    expect(existsSync(join(s.root, "PAFCORE.md"))).toBe(false);
  });

  it("merges into an existing file: other servers and keys stay; a re-run changes nothing; --tools changes the entry", async () => {
    const s = setup();
    mkdirSync(dirname(c.file(s)), { recursive: true });
    writeFileSync(c.file(s), c.existing);
    expect(await init(s, c.client)).toMatchObject({ code: 0, stdout: expect.stringMatching(/^updated /) });
    expect(readFileSync(c.file(s), "utf8")).toBe(c.merged(s.root));

    const before = statSync(c.file(s));
    const again = await init(s, c.client, "--json");
    expect(JSON.parse(again.stdout).action).toBe("unchanged");
    expect(readFileSync(c.file(s), "utf8")).toBe(c.merged(s.root));
    expect(statSync(c.file(s)).mtimeMs).toBe(before.mtimeMs);
    expect((await init(s, c.client)).stdout).toMatch(/^unchanged /);

    const tools = await init(s, c.client, "--tools", "all", "--json");
    expect(JSON.parse(tools.stdout)).toMatchObject({
      action: "updated",
      entry: { args: expect.arrayContaining(["--tools", "all"]) },
    });
    expect(readFileSync(c.file(s), "utf8")).toBe(c.merged(s.root, true));
  });

  it("prints the entry and its file with --print, and writes nothing", async () => {
    const s = setup();
    const r = await init(s, c.client, "--print");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`^# [^\\n]+: ${c.file(s).replaceAll(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\n`),
    );
    expect(r.stdout.slice(r.stdout.indexOf("\n") + 1)).toBe(c.created(s.root));
    const json = JSON.parse((await init(s, c.client, "--print", "--json")).stdout);
    expect(json).toMatchObject({ client: c.client, file: c.file(s), text: c.created(s.root) });
    expect(files(s.root)).toEqual([".git"]);
    expect(files(s.home)).toEqual([]);
  });

  it("refuses an existing file that is not JSON with exit 2, naming the place, and leaves it as it is", async () => {
    const s = setup();
    const [text, line, column] = c.malformed;
    mkdirSync(dirname(c.file(s)), { recursive: true });
    writeFileSync(c.file(s), text);
    const listing = files(s.root);
    const r = await init(s, c.client, "--json");
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error).toMatchObject({
      code: "VALIDATION_FAILED",
      details: { file: c.file(s), line, column },
    });
    expect(readFileSync(c.file(s), "utf8")).toBe(text);
    expect(files(s.root)).toEqual(listing);
  });
});
