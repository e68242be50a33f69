import { hasErrorCode } from "@tta-dev/core";
import fc from "fast-check";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { mergeTomlEntry, tomlString, tomlTable } from "./toml-merge.js";

const ENTRY = { command: "tta", args: ["mcp", "--workspace", "/w"] };
const BLOCK = '[mcp_servers.tta]\ncommand = "tta"\nargs = ["mcp", "--workspace", "/w"]\n';

async function merged(existing: string | undefined, entry: Record<string, unknown> = ENTRY) {
  return mergeTomlEntry(existing, "tta", entry, "/h/.codex/config.toml");
}

async function refusal(existing: string) {
  try {
    await merged(existing);
  } catch (error) {
    if (hasErrorCode(error, "VALIDATION_FAILED")) return error;
    throw error;
  }
  throw new Error("expected VALIDATION_FAILED");
}

describe("TOML values", () => {
  it("escapes any string so that it parses back to itself", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(parse(`v = ${tomlString(s)}`).v).toBe(s);
      }),
      { numRuns: 200 },
    );
    expect(tomlString('C:\\Users\\a "b"\n\u0000\u007f')).toBe('"C:\\\\Users\\\\a \\"b\\"\\n\\u0000\\u007f"');
  });

  it("quotes key segments that are not bare keys", () => {
    expect(tomlTable(["mcp_servers", "a.b c"], { x: true })).toEqual(['[mcp_servers."a.b c"]', "x = true"]);
  });
});

describe("mergeTomlEntry", () => {
  it("writes a new file holding only the table", async () => {
    expect(await merged(undefined)).toEqual({ action: "created", text: BLOCK });
  });

  it("appends the table and keeps everything else byte for byte", async () => {
    const before =
      '# my settings\nmodel = "o3" # inline\n\n[mcp_servers.figma]\nurl = "https://x"\n# trailing note';
    expect(await merged(before)).toEqual({ action: "updated", text: `${before}\n\n${BLOCK}` });
    const spaced = 'model = "o3"\n\n';
    expect((await merged(spaced)).text).toBe(`${spaced}${BLOCK}`);
  });

  it("replaces the old table in its place, drops its sub-tables and keeps the comments around them", async () => {
    const before = [
      "# head",
      "[mcp_servers.tta]",
      'command = "old"',
      "# old comment inside",
      "startup_timeout_sec = 5",
      "",
      "# introduces figma",
      "[mcp_servers.figma]",
      'url = "https://x"',
      "",
      "[mcp_servers.tta.env]",
      'TOKEN = "1"',
      "",
      "# about profiles",
      '[profiles."my one"]',
      'model = "o3"',
      "",
    ].join("\n");
    const after = [
      "# head",
      "[mcp_servers.tta]",
      'command = "tta"',
      'args = ["mcp", "--workspace", "/w"]',
      "",
      "# introduces figma",
      "[mcp_servers.figma]",
      'url = "https://x"',
      "",
      "",
      "# about profiles",
      '[profiles."my one"]',
      'model = "o3"',
      "",
    ].join("\n");
    expect(await merged(before)).toEqual({ action: "updated", text: after });
  });

  it("keeps CRLF line breaks", async () => {
    const { text } = await merged('a = 1\r\n[mcp_servers.tta]\r\ncommand = "x"\r\n');
    expect(text).toBe(
      'a = 1\r\n[mcp_servers.tta]\r\ncommand = "tta"\r\nargs = ["mcp", "--workspace", "/w"]\r\n',
    );
  });

  it("is not fooled by headers inside multi-line strings and arrays", async () => {
    const before = [
      'note = """',
      "[mcp_servers.tta]",
      'command = "in a string"',
      '"""',
      "lit = '''",
      "[mcp_servers.tta.env]",
      "'''",
      "matrix = [",
      "  [1, 2],",
      '  ["[mcp_servers.tta]"],',
      "]",
      "",
    ].join("\n");
    const { text } = await merged(before);
    expect(text).toBe(`${before}\n${BLOCK}`);
    expect(parse(text!).note).toBe('[mcp_servers.tta]\ncommand = "in a string"\n');
  });

  it("leaves a file alone that already holds the entry", async () => {
    expect(await merged(`x = 1\n${BLOCK}`)).toEqual({ action: "unchanged" });
    expect(
      await merged('[mcp_servers.tta]\nargs = [ "mcp", "--workspace", "/w" ] # same\ncommand = "tta"\n'),
    ).toEqual({
      action: "unchanged",
    });
  });

  it("refuses a file that does not parse, naming the file, line and column", async () => {
    const e = await refusal('model = "o3"\n[mcp_servers.x]\nargs = [\n');
    expect(e.message).toMatch(/^\/h\/\.codex\/config\.toml is not valid TOML \(line 4, column 1: /);
    expect(e.details).toMatchObject({ file: "/h/.codex/config.toml", line: 4, column: 1 });
  });

  it("refuses to guess where an inline or dotted entry ends, and a non-table mcp_servers", async () => {
    for (const before of [
      '[mcp_servers]\ntta = { command = "x" }\n',
      '[mcp_servers]\ntta.command = "x"\n',
      'mcp_servers.tta.command = "x"\n',
      'mcp_servers = { other = { command = "y" } }\n',
    ]) {
      expect((await refusal(before)).message, before).toContain("the file is unchanged");
    }
    expect((await refusal("mcp_servers = 1\n")).message).toContain(
      "mcp_servers in /h/.codex/config.toml is not a table",
    );
  });
});
