import { type PafResult, type PafSummary, summarizeResults } from "./results.js";

/** Output formats of {@link formatResults}. */
export type PafFormat = "text" | "json" | "github";

/** The JSON shape of a validation report (docs/contract.md#output: `{ ok, results, summary }`). */
export interface PafReport {
  ok: boolean;
  results: PafResult[];
  summary: PafSummary;
}

/** Build the `{ ok, results, summary }` report; `ok` is false when any result is a failed error or warning. */
export function toReport(results: readonly PafResult[]): PafReport {
  const summary = summarizeResults(results);
  return { ok: summary.errors === 0 && summary.warnings === 0, results: [...results], summary };
}

/**
 * Render results: `text` for people, `json` (the {@link PafReport}), or `github` workflow-command
 * annotations (`::error file=…,line=…::…`) for failures, plus one annotation per violating file.
 *
 * @example
 * process.stdout.write(formatResults(results, "github"));
 */
export function formatResults(results: readonly PafResult[], format: PafFormat = "text"): string {
  if (format === "json") return `${JSON.stringify(toReport(results), null, 2)}\n`;
  if (format === "github") return formatGithub(results);
  return formatText(results);
}

const MARK = { pass: "✓", error: "✗", warning: "!", info: "·", skip: "-" } as const;

function formatText(results: readonly PafResult[]): string {
  const lines: string[] = [];
  for (const r of results) {
    const mark = r.skipped ? MARK.skip : r.ok ? MARK.pass : MARK[r.severity];
    const label = r.ok || r.skipped ? (r.skipped ? "skip" : "pass") : r.severity;
    const where = `${r.source.file}:${r.source.line}`;
    const [first, ...rest] = r.message.split("\n");
    lines.push(`${mark} ${label.padEnd(7)} ${where.padEnd(18)} ${first}`);
    for (const more of rest) lines.push(`    ${more}`);
  }
  const s = summarizeResults(results);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  lines.push(
    `${s.passed} passed, ${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${s.skipped} skipped`,
  );
  return `${lines.join("\n")}\n`;
}

const escapeData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProp = (s: string) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

function formatGithub(results: readonly PafResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    if (r.ok || r.skipped) continue;
    const level = r.severity === "error" ? "error" : r.severity === "warning" ? "warning" : "notice";
    const title = r.pafId ? `PAF ${r.pafId}` : `PAF ${r.code ?? "document"}`;
    const at = (file: string, line: number) =>
      `::${level} file=${escapeProp(file)},line=${line},title=${escapeProp(title)}::${escapeData(r.message)}`;
    out.push(at(r.source.file, r.source.line));
    for (const loc of (r.locations ?? []).slice(0, 10)) out.push(at(loc.file, loc.line));
  }
  return out.length ? `${out.join("\n")}\n` : "";
}
