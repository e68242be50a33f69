import { afterEach, describe, expect, it } from "vitest";
import { exitCodeFor, formatResults, validatePafs } from "../src/index.js";
import { lines, makeProject } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

const PAFCORE = `# Rules

- **QUAL-001**: Minimum 70% test coverage
- **QUAL-004**: Maximum file size 50 lines
- **DEP-001**: Lean
  - Check: no-dependency lodash
- **RT-001**: Node
  - Check: runtime-version node >=18
- **BAD-001**: Broken
  - Check: nonsense here
- **CMD-001**: Tests pass
  - Check: command exit 0

Total Active PAFs: 6
`;

describe("validatePafs", () => {
  it("lints, runs every check and returns { ok, results, summary } with exit code 2 for errors", async () => {
    const p = await makeProject({
      "PAFCORE.md": PAFCORE,
      "coverage/coverage-summary.json": JSON.stringify({
        total: { lines: { total: 10, covered: 9, pct: 90 } },
      }),
      "src/a.ts": lines(10),
      "package.json": "{}",
    });
    cleanups.push(p.cleanup);
    const report = await validatePafs({ root: p.root });
    expect(report.file).toBe("PAFCORE.md");
    expect(report.results.map((r) => [r.kind, r.pafId, r.ok, r.severity])).toEqual([
      ["lint", "BAD-001", false, "error"],
      ["check", "QUAL-001", true, "info"],
      ["check", "QUAL-004", true, "info"],
      ["check", "DEP-001", true, "info"],
      ["check", "RT-001", true, "info"],
      ["check", "CMD-001", true, "info"],
    ]);
    expect(report.results.at(-1)!.skipped).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual({ total: 6, passed: 4, errors: 1, warnings: 0, skipped: 1 });
    expect(exitCodeFor(report.results)).toBe(2);
  });

  it("gives exit 1 for warnings only (inferred failures), 2 under strict, 0 when all pass", async () => {
    const p = await makeProject({
      "PAFCORE.md":
        "- **QUAL-004**: Maximum file size 5 lines\n- **RT-1**: n\n  - Check: runtime-version node >=18\n",
      "src/a.ts": lines(6),
    });
    cleanups.push(p.cleanup);
    const report = await validatePafs({ root: p.root });
    expect(exitCodeFor(report.results)).toBe(1);
    expect(exitCodeFor(report.results, { strict: true })).toBe(2);
    expect(formatResults(report.results, "github")).toContain(
      "::warning file=src/a.ts,line=6,title=PAF QUAL-004::",
    );
    const ok = await validatePafs({
      root: p.root,
      document: { ...report, facts: [], problems: [], statedTotals: [] },
    });
    expect(exitCodeFor(ok.results)).toBe(0);
  });
});
