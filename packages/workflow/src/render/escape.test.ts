import { describe, expect, it } from "vitest";
import { blockText, fenced, inline } from "./escape.js";
import { sortKeys, stableJson } from "./stable-json.js";

describe("fenced", () => {
  it("uses a backtick fence one longer than the longest backtick run inside, at least three", () => {
    expect(fenced("plain")).toBe("```text\nplain\n```\n");
    expect(fenced("a ``` b")).toBe("````text\na ``` b\n````\n");
    expect(fenced("`".repeat(10))).toBe(`${"`".repeat(11)}text\n${"`".repeat(10)}\n${"`".repeat(11)}\n`);
    expect(fenced("~~~~~~~~~~")).toBe("```text\n~~~~~~~~~~\n```\n");
  });

  it("ends the text with exactly one line break before the closing fence", () => {
    expect(fenced("a\n")).toBe("```text\na\n```\n");
    expect(fenced("")).toBe("```text\n```\n");
  });
});

describe("blockText", () => {
  it("normalises CRLF and lone CR to LF", () => {
    expect(blockText("a\r\nb\rc\n")).toBe("a\nb\nc\n");
  });

  it("shows controls, separators, bidi controls and the BOM as \\uXXXX, keeping tabs and emoji", () => {
    expect(blockText("a\u0000b\u001bc\u007f\u0085\u2028\u2029\u202e\u2066\u200f\ufeff\td👨‍👩‍👧")).toBe(
      "a\\u0000b\\u001Bc\\u007F\\u0085\\u2028\\u2029\\u202E\\u2066\\u200F\\uFEFF\td👨‍👩‍👧",
    );
  });

  it("writes </ as <\\/ so the text cannot close a wrapper tag", () => {
    expect(blockText("</context> and </system>")).toBe("<\\/context> and <\\/system>");
  });
});

describe("inline", () => {
  it("keeps stored text on one line", () => {
    expect(inline("a\nb\r\nc\u2028d")).toBe("a\\u000Ab\\u000D\\u000Ac\\u2028d");
  });

  it("backslash-escapes markdown punctuation but leaves word-inner underscores", () => {
    expect(inline("mem_01J *x* _y_ `z` [l](u) <b> & ! ~ | # \\")).toBe(
      "mem_01J \\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) \\<b\\> \\& \\! \\~ \\| \\# \\\\",
    );
  });
});

describe("stableJson", () => {
  it("sorts keys at every depth and keeps a stored __proto__ key as data", () => {
    const value = JSON.parse('{"b":{"z":1,"a":2},"__proto__":{"x":1},"a":[{"d":1,"c":2}]}');
    expect(stableJson(value, 0)).toBe('{"__proto__":{"x":1},"a":[{"c":2,"d":1}],"b":{"a":2,"z":1}}');
    expect(Object.getPrototypeOf(sortKeys({ a: 1 }))).toBeNull();
  });

  it("escapes separators, bidi controls and </ losslessly", () => {
    const value = { s: "</x>\u2028\u202e\u0085" };
    const text = stableJson(value, 0);
    expect(text).toBe('{"s":"<\\/x>\\u2028\\u202e\\u0085"}');
    expect(JSON.parse(text)).toEqual(value);
  });
});
