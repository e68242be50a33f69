import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  COVERAGE_METRICS,
  type CoverageCount,
  type CoverageMetric,
  DEFAULT_COVERAGE_REPORTS,
  detectCoverageFormat,
  percentOf,
  readCoverage,
} from "./coverage-reports.js";
import { type Checker, parseNumber, toNumber } from "./types.js";

function parseArgs(args: readonly string[]) {
  const min = parseNumber(args[0]);
  let metric: CoverageMetric = "lines";
  let report: string | undefined;
  for (const a of args.slice(1)) {
    if ((COVERAGE_METRICS as readonly string[]).includes(a)) metric = a as CoverageMetric;
    else report = a;
  }
  return { min, metric, report };
}

const fmt = (n: number) => `${Math.round(n * 100) / 100}%`;

/**
 * `min-coverage PCT [report] [lines|statements|branches|functions]`: coverage is at least PCT.
 * The report is istanbul `coverage-summary.json`, `lcov.info` or Cobertura XML; a glob merges several.
 */
export const minCoverageChecker: Checker = {
  name: "min-coverage",
  usage: "min-coverage PCT [report] [lines|statements|branches|functions]",
  validateArgs(args) {
    const { min } = parseArgs(args);
    if (min === undefined || min > 100) return "min-coverage needs a percentage between 0 and 100 first";
    return undefined;
  },
  async run(args, ctx) {
    const { min, metric, report } = parseArgs(args);
    const expected = `${metric} coverage ≥ ${fmt(min!)}`;
    let files: string[];
    if (report && /[*?{[]/.test(report)) {
      const { glob } = await import("tinyglobby");
      files = (
        await glob([report], { cwd: ctx.root, onlyFiles: true, ignore: ["**/node_modules/**"] })
      ).sort();
    } else {
      files = report ? [report] : [...DEFAULT_COVERAGE_REPORTS];
    }
    const counts: CoverageCount[] = [];
    const used: string[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(join(ctx.root, file), "utf8");
      } catch {
        continue;
      }
      const format = detectCoverageFormat(file, text);
      try {
        if (!format) throw new Error("unknown report format");
        counts.push(readCoverage(format, text, metric));
        used.push(file);
      } catch (e) {
        return {
          ok: false,
          undetermined: true,
          actual: null,
          expected,
          message: `Cannot read ${file}: ${(e as Error).message}.`,
        };
      }
      if (!report) break;
    }
    if (!counts.length) {
      return {
        ok: false,
        undetermined: true,
        actual: null,
        expected,
        message: `No coverage report found (looked for ${files.join(", ") || report}); run the tests with coverage first.`,
      };
    }
    const pct = counts.length === 1 ? percentOf(counts[0]!) : mergedPercent(counts);
    const from = `from ${used.join(", ")}`;
    return pct >= min!
      ? {
          ok: true,
          actual: pct,
          expected,
          message: `${metric} coverage ${fmt(pct)} meets the minimum ${fmt(min!)} (${from}).`,
        }
      : {
          ok: false,
          actual: pct,
          expected,
          message: `${metric} coverage ${fmt(pct)} is below the minimum ${fmt(min!)} (${from}).`,
        };
  },
  compare(args, actual) {
    const { min, metric } = parseArgs(args);
    const expected = `${metric} coverage ≥ ${fmt(min!)}`;
    const pct = toNumber(actual);
    if (pct === undefined) return { ok: false, actual, expected, message: "Expected a coverage percentage." };
    return pct >= min!
      ? { ok: true, actual: pct, expected, message: `Coverage ${fmt(pct)} meets the minimum ${fmt(min!)}.` }
      : {
          ok: false,
          actual: pct,
          expected,
          message: `Coverage ${fmt(pct)} is below the minimum ${fmt(min!)}.`,
        };
  },
};

function mergedPercent(counts: CoverageCount[]): number {
  if (counts.some((c) => c.pct !== undefined)) {
    return counts.reduce((s, c) => s + percentOf(c), 0) / counts.length;
  }
  return percentOf({
    covered: counts.reduce((s, c) => s + c.covered, 0),
    total: counts.reduce((s, c) => s + c.total, 0),
  });
}
