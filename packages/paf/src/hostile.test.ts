import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { lintParsedPafs } from "./lint.js";
import { parsePafDocument } from "./parse.js";

const within = async <T>(ms: number, fn: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const out = await fn();
  expect(performance.now() - t0).toBeLessThan(ms);
  return out;
};

const nested = (levels: number) =>
  `${Array.from({ length: levels }, (_, i) => `${"  ".repeat(i)}- **N-${i + 1}**: level ${i + 1}`).join("\n")}\n`;

describe("hostile documents", () => {
  it("refuses a 10 MB document quickly with a clear PAF_PARSE_ERROR", async () => {
    const big = "- **A-1**: x\n".repeat(Math.ceil((10 * 1024 * 1024) / 13));
    await within(1_000, async () => {
      await expect(parsePafDocument(big, { file: "BIG.md" })).rejects.toMatchObject({
        code: "PAF_PARSE_ERROR",
        message: expect.stringMatching(/BIG\.md is \d+ characters long; the limit is 4194304/),
      });
    });
  });

  it("refuses pathological nesting before parsing, naming the line", async () => {
    const markers = `${"- ".repeat(5_000)}**M-1**: deep\n`;
    const quotes = `${"> ".repeat(5_000)}- **Q-1**: quoted\n`;
    for (const text of [nested(2_000), markers, quotes]) {
      await within(2_000, async () => {
        await expect(parsePafDocument(text)).rejects.toMatchObject({
          code: "PAF_PARSE_ERROR",
          message: expect.stringMatching(
            /PAFCORE\.md:\d+ nests lists or quotes about \d+ levels deep; the limit is 100/,
          ),
        });
      });
    }
  });

  it("reads nesting up to maxDepth and warns once about deeper facts", async () => {
    const doc = await within(5_000, () => parsePafDocument(nested(60)));
    expect(doc.facts.map((f) => f.id)).toEqual(Array.from({ length: 32 }, (_, i) => `N-${i + 1}`));
    expect(doc.problems.filter((p) => p.code === "too-deep")).toHaveLength(1);
  });

  it("refuses emphasis and link bombs whose parse time grows with the square of their size", async () => {
    for (const text of [
      `${"**".repeat(50_000)}x${"**".repeat(50_000)}`,
      "[a](".repeat(50_000),
      "*a\n".repeat(20_000),
    ]) {
      await within(1_000, async () => {
        await expect(parsePafDocument(text)).rejects.toMatchObject({
          code: "PAF_PARSE_ERROR",
          message: expect.stringContaining("emphasis or link delimiters"),
        });
      });
    }
  });

  it("does not count globs inside fenced code, nor markup spread over many list items", async () => {
    const fenced = `\`\`\`\n${"src/**/*.ts ".repeat(5_000)}\n\`\`\`\n- **A-1**: after the fence\n`;
    expect((await parsePafDocument(fenced)).facts.map((f) => f.id)).toEqual(["A-1"]);
    const list = Array.from({ length: 3_000 }, (_, i) => `- **B-${i + 1}**: _rule_ ${i + 1}`).join("\n");
    expect((await parsePafDocument(list)).facts).toHaveLength(3_000);
  });

  it("refuses binary garbage with NUL bytes and parses NUL-free garbage to nothing", async () => {
    const bytes = randomBytes(256 * 1024);
    bytes[10] = 0;
    await expect(parsePafDocument(bytes.toString("latin1"))).rejects.toMatchObject({
      code: "PAF_PARSE_ERROR",
      message: expect.stringContaining("looks binary"),
    });
    const noNul = Buffer.from(bytes.map((b) => (b === 0 ? 1 : b))).toString("utf8");
    const doc = await within(15_000, async () => {
      try {
        return await parsePafDocument(noNul);
      } catch (e) {
        // A clear refusal is as good as a parse: it must be ours, not a crash.
        expect(e).toMatchObject({ code: "PAF_PARSE_ERROR" });
        return { facts: [] };
      }
    });
    expect(doc.facts).toEqual([]);
  });

  it("lints an id repeated 10 000 times in linear time, one problem per repeat", async () => {
    const text = "- **DUP-1**: same\n".repeat(10_000);
    const problems = await within(15_000, async () => lintParsedPafs(await parsePafDocument(text)));
    expect(problems).toHaveLength(9_999);
    expect(problems[0]).toMatchObject({ code: "duplicate-id", source: { line: 2 } });
    expect(problems.at(-1)).toMatchObject({ source: { line: 10_000 } });
  });
});
