import { describe, expect, it } from "vitest";
import { decodeLine, frameLine, lineBody } from "./line-codec.js";

const decode = (line: string) => {
  const buf = Buffer.from(line);
  return decodeLine(buf, 0, buf.length - 1);
};

describe("framed lines", () => {
  it("round-trips a header and a value, unicode included", () => {
    const line = frameLine(lineBody('{"s":1,"r":0}', JSON.stringify({ text: "héllo\n\t✓ 🎉" })));
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/\n/);
    expect(decode(line)).toEqual({ header: { s: 1, r: 0 }, valueJson: '{"text":"héllo\\n\\t✓ 🎉"}' });
    expect(decode(frameLine('{"k":"a","d":1}'))).toEqual({ header: { k: "a", d: 1 }, valueJson: undefined });
  });

  it("rejects a line whose bytes changed or that was cut", () => {
    const line = frameLine(lineBody('{"s":1,"r":0}', '"abc"'));
    expect(decode(line.replace("abc", "abd"))).toBeNull();
    expect(decode(`${line.slice(0, 12)}\n`)).toBeNull();
    expect(decode("zzzzzzzz{}\n")).toBeNull();
  });
});
