/** `pnpm bench` (relevance of the context loader's default query), as a markdown line. */
import { evaluateLoader } from "./relevance.js";

const s = await evaluateLoader();
const forms = Object.entries(s.byForm)
  .map(([form, f]) => `${form} ${f.recallAt5.toFixed(3)}`)
  .join(", ");
process.stdout.write(
  `| context loader, default query (session title) | recall@5 ${s.recallAt5.toFixed(3)} | MRR ${s.mrr.toFixed(3)} | ${forms} |\n`,
);
for (const m of s.misses)
  process.stdout.write(`- "${m.query}": wanted ${m.relevant.join(", ")}; got ${m.top5.join(", ")}\n`);
