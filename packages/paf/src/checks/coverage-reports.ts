/** Coverage metrics a report can give. */
export type CoverageMetric = "lines" | "statements" | "branches" | "functions";
export const COVERAGE_METRICS: readonly CoverageMetric[] = ["lines", "statements", "branches", "functions"];

/** Covered and total counts of one metric; `pct` alone when the report gives only a rate. */
export interface CoverageCount {
  covered: number;
  total: number;
  pct?: number;
}

/** Report formats this package reads. */
export type CoverageFormat = "istanbul-summary" | "lcov" | "cobertura";

/** Where a coverage report is looked for when a check names none. */
export const DEFAULT_COVERAGE_REPORTS = [
  "coverage/coverage-summary.json",
  "coverage/lcov.info",
  "coverage/cobertura-coverage.xml",
  "coverage/coverage.xml",
  "coverage.xml",
  "lcov.info",
];

/** Guess a report's format from its name and first bytes. */
export function detectCoverageFormat(file: string, text: string): CoverageFormat | undefined {
  const head = text.trimStart().slice(0, 200);
  if (file.endsWith(".json") || head.startsWith("{")) return "istanbul-summary";
  if (file.endsWith(".xml") || head.startsWith("<")) return "cobertura";
  if (file.endsWith(".info") || /^(TN|SF):/m.test(head)) return "lcov";
  return undefined;
}

/** Read one metric from a report. Throws an `Error` with a reason when the report cannot say. */
export function readCoverage(format: CoverageFormat, text: string, metric: CoverageMetric): CoverageCount {
  if (format === "istanbul-summary") return readIstanbulSummary(text, metric);
  if (format === "lcov") return readLcov(text, metric);
  return readCobertura(text, metric);
}

/** istanbul `json-summary` (`coverage-summary.json`): `total.<metric>.{covered,total,pct}`. */
export function readIstanbulSummary(text: string, metric: CoverageMetric): CoverageCount {
  const data = JSON.parse(text) as {
    total?: Record<string, { covered?: unknown; total?: unknown; pct?: unknown }>;
  };
  const m = data?.total?.[metric];
  if (!m || typeof m.covered !== "number" || typeof m.total !== "number") {
    throw new Error(
      `no total.${metric} in the istanbul summary (is it coverage-summary.json from the json-summary reporter?)`,
    );
  }
  return { covered: m.covered, total: m.total };
}

/** lcov tracefile: sums LH/LF (lines, statements), BRH/BRF (branches), FNH/FNF (functions). */
export function readLcov(text: string, metric: CoverageMetric): CoverageCount {
  const [hitKey, foundKey] =
    metric === "branches" ? ["BRH", "BRF"] : metric === "functions" ? ["FNH", "FNF"] : ["LH", "LF"];
  let covered = 0;
  let total = 0;
  let records = 0;
  for (const m of text.matchAll(/^(LH|LF|BRH|BRF|FNH|FNF|SF):(.*)$/gm)) {
    if (m[1] === "SF") records++;
    else if (m[1] === hitKey) covered += Number(m[2]) || 0;
    else if (m[1] === foundKey) total += Number(m[2]) || 0;
  }
  if (!records) throw new Error("no SF: records in the lcov file");
  return { covered, total };
}

/** Cobertura XML: the root `<coverage>` element's `lines-covered`/`lines-valid` or `line-rate`. */
export function readCobertura(text: string, metric: CoverageMetric): CoverageCount {
  const root = /<coverage\b([^>]*)>/.exec(text);
  if (!root) throw new Error("no <coverage> element in the Cobertura report");
  const attrs = new Map<string, string>();
  for (const m of root[1]!.matchAll(/([\w-]+)\s*=\s*"([^"]*)"/g)) attrs.set(m[1]!, m[2]!);
  const kind = metric === "branches" ? "branch" : metric === "functions" ? undefined : "line";
  if (!kind) throw new Error("Cobertura reports have no function coverage; use lines or branches");
  const covered = Number(attrs.get(`${kind}s-covered`));
  const valid = Number(attrs.get(`${kind}s-valid`));
  if (Number.isFinite(covered) && Number.isFinite(valid) && attrs.has(`${kind}s-valid`)) {
    return { covered, total: valid };
  }
  const rate = Number(attrs.get(`${kind}-rate`));
  if (!attrs.has(`${kind}-rate`) || !Number.isFinite(rate))
    throw new Error(`no ${kind}-rate in the Cobertura report`);
  return { covered: 0, total: 0, pct: rate * 100 };
}

/** Percentage of a count; an empty total counts as 100 % (nothing to cover). */
export function percentOf(count: CoverageCount): number {
  if (count.pct !== undefined) return count.pct;
  return count.total === 0 ? 100 : (count.covered / count.total) * 100;
}
