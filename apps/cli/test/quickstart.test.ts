import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { spawnTta } from "./child.js";
import { tempWorkspace } from "./harness.js";

/*
 * The quick start of README.md, run exactly as written: the fenced `sh` block under "## Quick
 * start" is read at test time, so the README cannot drift from what tta does.
 */

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The lines of the first `sh` block after the "## Quick start" heading. */
function quickStartLines(readme: string): string[] {
  const section = readme.split(/^## Quick start$/m)[1];
  if (section === undefined) throw new Error("README.md has no '## Quick start' section");
  const block = /^```sh\n([\s\S]*?)^```$/m.exec(section);
  if (!block) throw new Error("the quick start has no ```sh block");
  return block[1]!.split("\n").filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
}

/** Split a line into words the way sh does for the quoting the README uses ('…', "…", bare words, # comments). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      if (close === -1) throw new Error(`unclosed ${c} in: ${line}`);
      word = (word ?? "") + line.slice(i + 1, close);
      i = close;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "#" && word === undefined) break;
    else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** A quick-start line as `tta` arguments and stdin (`echo "…" | tta …` pipes the text in). */
function parseLine(line: string): { argv: string[]; input: string } {
  const words = shellWords(line);
  if (words[0] === "echo" && words[2] === "|" && words[3] === "tta") {
    return { argv: words.slice(4), input: `${words[1]}\n` };
  }
  if (words[0] !== "tta") throw new Error(`not a tta command: ${line}`);
  return { argv: words.slice(1), input: "" };
}

describe("the README quick start", () => {
  it("parses shell words as sh would for its quoting", () => {
    expect(shellWords(`tta cache set s k '{"path":"src/auth.ts"}' --ttl 1h   # note`)).toEqual([
      "tta",
      "cache",
      "set",
      "s",
      "k",
      '{"path":"src/auth.ts"}',
      "--ttl",
      "1h",
    ]);
    expect(parseLine('echo "a b" | tta message add s')).toEqual({
      argv: ["message", "add", "s"],
      input: "a b\n",
    });
  });

  it("runs line by line, exactly as written, with exit 0 and nothing on stderr", async () => {
    const lines = quickStartLines(README);
    expect(lines.length).toBeGreaterThanOrEqual(10);
    const cwd = tempWorkspace();
    const outputs = new Map<string, string>();
    for (const line of lines) {
      const { argv, input } = parseLine(line);
      const r = await spawnTta(argv, { cwd, input, useDist: true }).done;
      expect({ line, code: r.code, stderr: r.stderr }).toEqual({ line, code: 0, stderr: "" });
      outputs.set(argv.slice(0, 2).join(" "), r.stdout);
    }
    // What the lines stored is what the plan-stage context shows.
    const context = outputs.get(
      lines
        .find((l) => l.startsWith("tta context"))!
        .split(" ")
        .slice(1, 3)
        .join(" "),
    );
    const stored = lines
      .filter((l) => / message add | memory add /.test(l))
      .map((l) => {
        const { argv, input } = parseLine(l);
        return input ? input.trim() : argv[argv[0] === "memory" ? 2 : 3]!;
      });
    expect(stored.length).toBeGreaterThanOrEqual(3);
    for (const text of stored) expect(context).toContain(text);
    expect(context).toMatch(/^# Workflow context\n\nstage: plan/);
    expect(outputs.get("paf validate")).toMatch(/0 errors, 0 warnings/);
  }, 120_000);
});
