/**
 * `pnpm bench` (relevance part): recall@5 and MRR of `memory.search` beside a plain minisearch on
 * the labelled set of bench/relevance/, as a markdown table (the README keeps the latest).
 */
import { evaluateRelevance } from "./evaluate.js";

const report = await evaluateRelevance();
const forms = Object.keys(report.tta.byForm) as (keyof typeof report.tta.byForm)[];
const lines = [
  `Relevance: ${report.memories} memories, ${report.queries} queries`,
  "",
  `| engine | recall@5 | MRR |${forms.map((f) => ` ${f} (${report.tta.byForm[f].queries}) r@5 |`).join("")}`,
  `|---|---|---|${forms.map(() => "---|").join("")}`,
];
for (const [name, s] of [
  ["memory.search", report.tta],
  ["minisearch, default configuration", report.minisearch],
] as const) {
  lines.push(
    `| ${name} | ${s.recallAt5.toFixed(3)} | ${s.mrr.toFixed(3)} |` +
      forms.map((f) => ` ${s.byForm[f].recallAt5.toFixed(3)} |`).join(""),
  );
}
lines.push("", "memory.search misses:");
for (const m of report.tta.misses)
  lines.push(`- "${m.query}": wanted ${m.relevant.join(", ")}; got ${m.top5.join(", ")}`);
process.stdout.write(`${lines.join("\n")}\n`);
