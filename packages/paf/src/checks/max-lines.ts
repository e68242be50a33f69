import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { SourceRef } from "../types.js";
import { type Checker, type CheckOutcome, IGNORED_DIRS, parseNumber, toNumber } from "./types.js";

/** The workspace's source files, when a `max-lines` check names no globs. */
export const DEFAULT_SOURCE_GLOBS = [
  "**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs,vue,svelte}",
  "**/*.{py,go,rs,java,kt,kts,scala,rb,php,cs,swift,c,h,cc,cpp,hpp,m,mm,ex,exs,dart,lua,sh}",
];

/** Count lines like `wc -l` does, plus a last line without a newline. */
export function countLines(buf: Uint8Array): number {
  let n = 0;
  let at = buf.indexOf(10);
  while (at !== -1) {
    n++;
    at = buf.indexOf(10, at + 1);
  }
  return buf.length > 0 && buf[buf.length - 1] !== 10 ? n + 1 : n;
}

/** `max-lines N [glob…]`: no matched file has more than N lines. */
export const maxLinesChecker: Checker = {
  name: "max-lines",
  usage: "max-lines N [glob…]",
  validateArgs(args) {
    const n = parseNumber(args[0]);
    if (n === undefined || !Number.isInteger(n) || n < 1)
      return "max-lines needs a whole number of lines first";
    return undefined;
  },
  async run(args, ctx) {
    const limit = Number(args[0]);
    const patterns = args.length > 1 ? args.slice(1) : DEFAULT_SOURCE_GLOBS;
    const { glob } = await import("tinyglobby");
    const files = (
      await glob([...patterns], {
        cwd: ctx.root,
        ignore: [...IGNORED_DIRS, "**/*.d.ts"],
        onlyFiles: true,
        dot: false,
      })
    ).sort();
    const over: { file: string; lines: number }[] = [];
    let max = 0;
    let i = 0;
    const worker = async () => {
      while (i < files.length) {
        const file = files[i++]!;
        const lines = countLines(await readFile(join(ctx.root, file)));
        if (lines > max) max = lines;
        if (lines > limit) over.push({ file, lines });
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, files.length) }, worker));
    over.sort((a, b) => b.lines - a.lines || a.file.localeCompare(b.file));
    const expected = `at most ${limit} lines per file`;
    if (files.length === 0) {
      // A glob that matches nothing checks nothing: a typo must not pass silently.
      return {
        ok: false,
        undetermined: true,
        actual: 0,
        expected,
        message: `No file matches ${patterns.join(", ")} in the workspace: nothing was checked. Fix the glob, or remove the check.`,
      };
    }
    if (!over.length) {
      return {
        ok: true,
        actual: max,
        expected,
        message: `${files.length} files checked; the longest has ${max} lines (limit ${limit}).`,
      };
    }
    const shown = over.slice(0, 5).map((o) => `${o.file} (${o.lines})`);
    const locations: SourceRef[] = over.map((o) => ({ file: o.file, line: limit + 1 }));
    return {
      ok: false,
      actual: max,
      expected,
      message: `${over.length} of ${files.length} files exceed ${limit} lines: ${shown.join(", ")}${over.length > 5 ? `, and ${over.length - 5} more` : ""}.`,
      locations,
    };
  },
  compare(args, actual) {
    return compareAtMost(Number(args[0]), actual);
  },
};

function compareAtMost(limit: number, actual: unknown): CheckOutcome {
  const expected = `at most ${limit} lines`;
  const n = toNumber(actual);
  if (n === undefined) return { ok: false, actual, expected, message: "Expected a number of lines." };
  return n <= limit
    ? { ok: true, actual: n, expected, message: `${n} lines is within the limit of ${limit}.` }
    : { ok: false, actual: n, expected, message: `${n} lines exceeds the limit of ${limit}.` };
}
