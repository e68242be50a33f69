import { mkdtempSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type FileLine, fileLines } from "./lines.js";

async function linesOf(content: Buffer | string, maxLineBytes = 1 << 20, size?: number): Promise<FileLine[]> {
  const file = join(mkdtempSync(join(tmpdir(), "tta-lines-")), "t.jsonl");
  writeFileSync(file, content);
  const handle = await open(file, "r");
  try {
    const out: FileLine[] = [];
    const total = size ?? Buffer.byteLength(content);
    for await (const l of fileLines(handle, total, { maxLineBytes })) out.push(l);
    return out;
  } finally {
    await handle.close();
  }
}

describe("fileLines", () => {
  it("yields each line with its number and the offset past it, dropping \\r, and an unterminated last line", async () => {
    const lines = await linesOf("a\r\nbb\n\nccc");
    expect(lines.map((l) => [l.no, l.text, l.end, l.unterminated])).toEqual([
      [1, "a", 3, false],
      [2, "bb", 6, false],
      [3, "", 7, false],
      [4, "ccc", 10, true],
    ]);
  });

  it("reports a line over the limit without its text, whether or not it spans chunks", async () => {
    const big = "x".repeat(3 << 20);
    const lines = await linesOf(`ok\n${big}\nafter\n${big}`, 1 << 20);
    expect(lines.map((l) => [l.no, l.text])).toEqual([
      [1, "ok"],
      [2, null],
      [3, "after"],
      [4, null],
    ]);
    expect(lines[3]!.unterminated).toBe(true);
  });

  it("joins a line cut by the 1 MiB read chunk", async () => {
    const first = "y".repeat((1 << 20) - 3);
    const lines = await linesOf(`${first}\n{"k":"crosses the chunk"}\n`, 4 << 20);
    expect(lines.map((l) => l.text)).toEqual([first, '{"k":"crosses the chunk"}']);
  });

  it("flags bytes that are not UTF-8, and keeps a multi-byte character cut by a chunk", async () => {
    const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
    const pad = "z".repeat((1 << 20) - 1);
    const good = Buffer.from(`${pad}é\n`);
    const lines = await linesOf(Buffer.concat([good, bad]), 4 << 20);
    expect(lines.map((l) => l.utf8)).toEqual([true, false]);
    expect(lines[0]!.text!.endsWith("é")).toBe(true);
  });

  it("reads no further than the size it is given, and fails VALIDATION_FAILED when the file is shorter", async () => {
    expect((await linesOf("a\nb\nc\n", 1024, 4)).map((l) => l.text)).toEqual(["a", "b"]);
    await expect(linesOf("a\n", 1024, 10)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});
