import { hasErrorCode } from "@tta-dev/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeJsonEntry } from "./json-merge.js";
import { JsonSyntaxError, parseJsonTree, printJsonTree } from "./json-tree.js";

const ENTRY = { command: "tta", args: ["mcp", "--workspace", "/w"] };

function refusal(text: string, key = "mcpServers") {
  try {
    mergeJsonEntry(text, key, "tta", ENTRY, "/w/.mcp.json");
  } catch (error) {
    if (hasErrorCode(error, "VALIDATION_FAILED")) return error;
    throw error;
  }
  throw new Error("expected VALIDATION_FAILED");
}

describe("the JSON tree", () => {
  it("prints any JSON value in the layout of JSON.stringify(value, null, 2)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 2);
        expect(printJsonTree(parseJsonTree(text))).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps numbers, strings and key order exactly as written", () => {
    const text = '{"2":1.0,"1":12345678901234567890,"é":"\\u00e9\\/","a":[1e2,-0,true,null]}';
    expect(printJsonTree(parseJsonTree(text))).toBe(
      '{\n  "2": 1.0,\n  "1": 12345678901234567890,\n  "é": "\\u00e9\\/",\n  "a": [\n    1e2,\n    -0,\n    true,\n    null\n  ]\n}',
    );
  });

  it("refuses what JSON.parse refuses, with the line and column", () => {
    const cases: [string, number, number][] = [
      ['{\n  "a": 1,\n}', 3, 1],
      ['{\n  // note\n  "a": 1\n}', 2, 3],
      ['{"a": 01}', 1, 8],
      ['{"a": "x\ny"}', 1, 9],
      ['{"a": 1} {"b": 2}', 1, 10],
      ['{"a": "\\x"}', 1, 8],
      ['{"a" 1}', 1, 6],
      ["", 1, 1],
      ['{"a": [1, 2}', 1, 12],
    ];
    for (const [text, line, column] of cases) {
      expect(() => JSON.parse(text), text).toThrow();
      try {
        parseJsonTree(text);
        throw new Error(`parsed ${text}`);
      } catch (error) {
        expect(error, text).toBeInstanceOf(JsonSyntaxError);
        expect([(error as JsonSyntaxError).line, (error as JsonSyntaxError).column], text).toEqual([
          line,
          column,
        ]);
      }
    }
  });

  it("refuses a document nested 100 000 deep without overflowing the stack", () => {
    expect(() => parseJsonTree("[".repeat(100_000))).toThrow(/nested deeper than 256 levels/);
  });
});

describe("mergeJsonEntry", () => {
  it("writes a new file holding only the entry", () => {
    expect(mergeJsonEntry(undefined, "servers", "tta", ENTRY, "f")).toEqual({
      action: "created",
      text: '{\n  "servers": {\n    "tta": {\n      "command": "tta",\n      "args": [\n        "mcp",\n        "--workspace",\n        "/w"\n      ]\n    }\n  }\n}\n',
    });
  });

  it("adds the entry after the other servers and keeps every other key where and as it was", () => {
    const before =
      '{"z": 1.50, "mcpServers": {"other": {"command": "x", "args": []}}, "a": {"2": 1, "1": 2}}';
    const { action, text } = mergeJsonEntry(before, "mcpServers", "tta", ENTRY, "f");
    expect(action).toBe("updated");
    expect(text).toBe(
      '{\n  "z": 1.50,\n  "mcpServers": {\n    "other": {\n      "command": "x",\n      "args": []\n    },\n    "tta": {\n      "command": "tta",\n      "args": [\n        "mcp",\n        "--workspace",\n        "/w"\n      ]\n    }\n  },\n  "a": {\n    "2": 1,\n    "1": 2\n  }\n}\n',
    );
  });

  it("replaces an old entry in its place, and adds the servers table when there is none", () => {
    const before = '{"mcpServers": {"a": {}, "tta": {"command": "old", "env": {"X": "1"}}, "b": {}}}';
    const { text } = mergeJsonEntry(before, "mcpServers", "tta", ENTRY, "f");
    expect(Object.keys(JSON.parse(text!).mcpServers)).toEqual(["a", "tta", "b"]);
    expect(JSON.parse(text!).mcpServers.tta).toEqual(ENTRY);
    expect(JSON.parse(mergeJsonEntry('{"x": true}', "mcpServers", "tta", ENTRY, "f").text!)).toEqual({
      x: true,
      mcpServers: { tta: ENTRY },
    });
  });

  it("leaves a file alone that already holds the entry, whatever its layout and key order", () => {
    const before = '{"mcpServers":{"tta":{"args":["mcp","--workspace","/w"],"command":"tta"}}}';
    expect(mergeJsonEntry(before, "mcpServers", "tta", ENTRY, "f")).toEqual({ action: "unchanged" });
  });

  it("keeps a byte-order mark, and treats an empty file as an empty object", () => {
    expect(mergeJsonEntry('\uFEFF{"a": 1}', "mcpServers", "tta", ENTRY, "f").text).toMatch(
      /^\uFEFF\{\n {2}"a": 1,/,
    );
    expect(JSON.parse(mergeJsonEntry(" \n", "mcpServers", "tta", ENTRY, "f").text!)).toEqual({
      mcpServers: { tta: ENTRY },
    });
  });

  it("refuses a file that is not JSON, naming the file, line and column", () => {
    const e = refusal('{\n  "mcpServers": {},\n}\n');
    expect(e.message).toContain("/w/.mcp.json is not valid JSON (line 3, column 1");
    expect(e.details).toMatchObject({ file: "/w/.mcp.json", line: 3, column: 1 });
  });

  it("refuses a root or servers table that is not an object, and duplicated keys", () => {
    expect(refusal("[]").message).toContain("holds an array, not a JSON object");
    expect(refusal('{"mcpServers": "x"}').message).toContain("mcpServers in /w/.mcp.json is a string");
    expect(refusal('{"mcpServers": {}, "mcpServers": {}}').message).toContain('"mcpServers" 2 times');
    expect(refusal('{"mcpServers": {"tta": {}, "tta": {}}}').message).toContain(
      '"tta" 2 times in mcpServers',
    );
  });
});
