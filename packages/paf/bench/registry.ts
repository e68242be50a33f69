/** Synthetic PAF registries for benchmarks. */

const CATEGORIES = ["LANG", "PKG", "QUAL", "AGENT", "GIT", "QA", "ARCH", "DOC", "SEC", "PERF"];

/** A registry of `n` facts in the fixture's shape: headings per category, a few deprecations and checks. */
export function generateRegistry(n: number): string {
  const out = ["# Permanent Architectural Facts (PAF) - Core Registry", "", "## PAF Categories", ""];
  const per = Math.ceil(n / CATEGORIES.length);
  let made = 0;
  let deprecated = 0;
  for (const [c, cat] of CATEGORIES.entries()) {
    out.push(`### ${c + 1}. ${cat} facts`, "", `#### ${cat} rules`);
    for (let i = 1; i <= per && made < n; i++, made++) {
      const id = `${cat}-${String(i).padStart(3, "0")}`;
      if (i % 50 === 0) {
        deprecated++;
        out.push(`- **${id}**: ~~Old rule ${i} about \`module-${i}\`~~ **DEPRECATED**`);
        out.push(
          "  - Reason: superseded by a stricter rule",
          `  - Replaced by: ${cat}-${String(i - 1).padStart(3, "0")}`,
          "  - Date: 2025-10-28",
        );
      } else if (i % 10 === 0) {
        out.push(
          `- **${id}**: Files of area ${i} stay small`,
          `  - Check: max-lines ${400 + i} src/area-${i}/**/*.ts`,
        );
      } else {
        out.push(
          `- **${id}**: Rule ${i} of ${cat}: components use \`Thing${i}\` and **never** call the network directly`,
        );
      }
    }
    out.push("");
  }
  out.push(
    "```markdown",
    "- **LANG-001**: ~~example~~ **DEPRECATED**",
    "```",
    "",
    `Total Active PAFs: ${n - deprecated}`,
    "",
  );
  return out.join("\n");
}
