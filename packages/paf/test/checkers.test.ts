import type { Paf } from "@tta-dev/core";
import { afterEach, describe, expect, it } from "vitest";
import { parsePafDocument, runPafChecks } from "../src/index.js";
import { lines, makeProject } from "./helpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function project(files: Record<string, string>) {
  const p = await makeProject(files);
  cleanups.push(p.cleanup);
  return p.root;
}

async function facts(markdown: string): Promise<Paf[]> {
  return (await parsePafDocument(markdown)).facts;
}

async function check(
  markdown: string,
  files: Record<string, string>,
  options: Parameters<typeof runPafChecks>[1] = {},
) {
  const root = await project(files);
  return runPafChecks(await facts(markdown), { root, probeRuntimes: false, ...options });
}

describe("max-lines", () => {
  const doc = "- **QUAL-4**: Small files\n  - Check: max-lines 100 src/**/*.ts\n";

  it("passes when every matched file is at or under the limit", async () => {
    const [r] = await check(doc, {
      "src/a.ts": lines(100),
      "src/deep/b.ts": lines(3),
      "other/c.ts": lines(500),
    });
    expect(r).toMatchObject({
      pafId: "QUAL-4",
      ok: true,
      severity: "info",
      actual: 100,
      checker: "max-lines",
    });
  });

  it("fails as an error naming the files over the limit, longest first, with their locations", async () => {
    const [r] = await check(doc, { "src/a.ts": lines(101), "src/b.ts": lines(250), "src/c.ts": lines(2) });
    expect(r).toMatchObject({
      ok: false,
      severity: "error",
      actual: 250,
      expected: "at most 100 lines per file",
    });
    expect(r!.message).toContain("2 of 3 files exceed 100 lines: src/b.ts (250), src/a.ts (101)");
    expect(r!.locations).toEqual([
      { file: "src/b.ts", line: 101 },
      { file: "src/a.ts", line: 101 },
    ]);
  });

  it("warns instead of passing when its glob matches no file", async () => {
    const [r] = await check("- **Q-2**: x\n  - Check: max-lines 100 srcc/**/*.ts\n", {
      "src/a.ts": lines(5),
    });
    expect(r).toMatchObject({ ok: false, severity: "warning", actual: 0 });
    expect(r!.message).toContain("No file matches srcc/**/*.ts");
  });

  it("counts a last line without a newline and searches the source files by default, skipping node_modules", async () => {
    const [r] = await check("- **Q-1**: x\n  - Check: max-lines 2\n", {
      "a.py": "1\n2\n3",
      "node_modules/x/index.js": lines(900),
      "README.md": lines(900),
    });
    expect(r).toMatchObject({ ok: false, actual: 3 });
    expect(r!.message).toContain("1 of 1 files");
  });

  it("infers the check from 'Maximum file size N lines' and reports its failure as a warning", async () => {
    const [r] = await check("- **QUAL-004**: Maximum file size 5 lines (production maturity)\n", {
      "x.ts": lines(6),
    });
    expect(r).toMatchObject({
      ok: false,
      severity: "warning",
      inferred: true,
      checker: "max-lines",
      args: ["5"],
    });
    expect(r!.message).toContain("inferred from");
  });
});

describe("min-coverage", () => {
  const summary = (pct: number) =>
    JSON.stringify({
      total: {
        lines: { total: 200, covered: pct * 2, skipped: 0, pct },
        branches: { total: 10, covered: 1, pct: 10 },
      },
    });
  const lcov = (hit: number, found: number) =>
    `TN:\nSF:a.ts\nLF:${found}\nLH:${hit}\nBRF:4\nBRH:4\nend_of_record\nSF:b.ts\nLF:${found}\nLH:${hit}\nend_of_record\n`;
  const cobertura = (rate: number) =>
    `<?xml version="1.0" ?>\n<coverage line-rate="${rate}" branch-rate="0.5" lines-covered="${rate * 1000}" lines-valid="1000" version="7">\n<packages/></coverage>\n`;

  it("reads an istanbul coverage-summary.json at its default place", async () => {
    const doc = "- **QUAL-1**: covered\n  - Check: min-coverage 70\n";
    const [pass] = await check(doc, { "coverage/coverage-summary.json": summary(85) });
    expect(pass).toMatchObject({ ok: true, actual: 85 });
    const [fail] = await check(doc, { "coverage/coverage-summary.json": summary(65) });
    expect(fail).toMatchObject({ ok: false, severity: "error", actual: 65 });
    expect(fail!.message).toMatch(/65%.*70%/);
  });

  it("reads an lcov.info, summing every record", async () => {
    const doc = "- **QUAL-1**: covered\n  - Check: min-coverage 75 coverage/lcov.info\n";
    expect((await check(doc, { "coverage/lcov.info": lcov(8, 10) }))[0]).toMatchObject({
      ok: true,
      actual: 80,
    });
    expect((await check(doc, { "coverage/lcov.info": lcov(7, 10) }))[0]).toMatchObject({
      ok: false,
      actual: 70,
    });
  });

  it("reads Cobertura XML, and branch coverage when asked", async () => {
    const doc = "- **QUAL-1**: covered\n  - Check: min-coverage 80 coverage.xml\n";
    expect((await check(doc, { "coverage.xml": cobertura(0.9) }))[0]).toMatchObject({ ok: true, actual: 90 });
    expect((await check(doc, { "coverage.xml": cobertura(0.5) }))[0]).toMatchObject({
      ok: false,
      actual: 50,
    });
    const branches = "- **QUAL-1**: covered\n  - Check: min-coverage 40 coverage.xml branches\n";
    expect((await check(branches, { "coverage.xml": cobertura(0.9) }))[0]).toMatchObject({
      ok: true,
      actual: 50,
    });
  });

  it("merges several reports matched by a glob", async () => {
    const doc = "- **QUAL-1**: covered\n  - Check: min-coverage 60 packages/*/coverage/lcov.info\n";
    const [r] = await check(doc, {
      "packages/a/coverage/lcov.info": lcov(10, 10),
      "packages/b/coverage/lcov.info": lcov(2, 10),
    });
    expect(r).toMatchObject({ ok: true, actual: 60 });
    expect(r!.message).toContain("packages/a/coverage/lcov.info, packages/b/coverage/lcov.info");
  });

  it("warns, without failing as an error, when no report exists or it cannot be read", async () => {
    const doc = "- **QUAL-1**: covered\n  - Check: min-coverage 70\n";
    const [missing] = await check(doc, {});
    expect(missing).toMatchObject({ ok: false, severity: "warning", actual: null });
    expect(missing!.message).toContain("No coverage report found");
    const [bad] = await check(doc, { "coverage/coverage-summary.json": "{ not json" });
    expect(bad).toMatchObject({ ok: false, severity: "warning" });
    expect(bad!.message).toContain("Cannot read coverage/coverage-summary.json");
  });
});

describe("runtime-version", () => {
  it("checks the running Node", async () => {
    const ok = await check("- **RT-1**: node\n  - Check: runtime-version node >=18\n", {});
    expect(ok[0]).toMatchObject({ ok: true, actual: process.versions.node });
    const bad = await check("- **RT-1**: node\n  - Check: runtime-version node >=99\n", {});
    expect(bad[0]).toMatchObject({ ok: false, severity: "error" });
  });

  it("prefers a configured version, then .python-version, and warns when it cannot tell", async () => {
    const doc = "- **LANG-001**: Primary language is Python 3.12+\n";
    expect((await check(doc, {}, { runtime: { python: "3.12.4" } }))[0]).toMatchObject({
      ok: true,
      actual: "3.12.4",
      inferred: true,
    });
    expect((await check(doc, { ".python-version": "3.11.9\n" }))[0]).toMatchObject({
      ok: false,
      actual: "3.11.9",
      severity: "warning",
    });
    const [unknown] = await check(doc, {});
    expect(unknown).toMatchObject({ ok: false, severity: "warning", actual: null });
    expect(unknown!.message).toContain("Cannot tell the python version");
  });
});

describe("file-exists", () => {
  const doc = "- **AGENT-4**: hub files\n  - Check: file-exists AGENTS.md docs/*.md\n";

  it("passes when every path exists, globs needing one match", async () => {
    expect((await check(doc, { "AGENTS.md": "x", "docs/a.md": "y" }))[0]).toMatchObject({
      ok: true,
      actual: ["AGENTS.md", "docs/*.md"],
    });
  });

  it("fails naming the missing paths", async () => {
    const [r] = await check(doc, { "docs/a.md": "y" });
    expect(r).toMatchObject({ ok: false, severity: "error", actual: ["docs/*.md"] });
    expect(r!.message).toBe("AGENT-4: Missing: AGENTS.md.");
  });
});

describe("no-dependency", () => {
  const doc = "- **DEP-1**: no lodash\n  - Check: no-dependency lodash @legacy/*\n";

  it("passes when no workspace package.json depends on the names", async () => {
    const [r] = await check(doc, {
      "package.json": JSON.stringify({ dependencies: { zod: "1" } }),
      "packages/a/package.json": JSON.stringify({ devDependencies: { vitest: "1" } }),
      "node_modules/x/package.json": JSON.stringify({ dependencies: { lodash: "1" } }),
    });
    expect(r).toMatchObject({ ok: true, actual: [] });
    expect(r!.message).toContain("None of 2 package.json files");
  });

  it("fails naming each package.json and the line of the dependency, globs included", async () => {
    const [r] = await check(doc, {
      "package.json": JSON.stringify({ dependencies: { zod: "1" } }),
      "packages/a/package.json": JSON.stringify({ name: "a", devDependencies: { lodash: "4" } }, null, 2),
      "packages/b/package.json": JSON.stringify({ peerDependencies: { "@legacy/core": "1" } }),
    });
    expect(r).toMatchObject({
      ok: false,
      severity: "error",
      actual: ["lodash (packages/a/package.json)", "@legacy/core (packages/b/package.json)"],
    });
    expect(r!.locations).toEqual([
      { file: "packages/a/package.json", line: 4 },
      { file: "packages/b/package.json", line: 1 },
    ]);
  });
});

describe("command", () => {
  it("does not run without allowCommands, and says how to enable it", async () => {
    const [r] = await check("- **CMD-1**: builds\n  - Check: command touch ran.txt\n", {});
    expect(r).toMatchObject({ ok: true, skipped: true, severity: "info" });
    expect(r!.message).toContain("--allow-commands");
  });

  it("passes on exit 0 and fails with the output tail otherwise", async () => {
    const ok = await check(
      "- **CMD-1**: ok\n  - Check: command test -f marker\n",
      { marker: "" },
      { allowCommands: true },
    );
    expect(ok[0]).toMatchObject({ ok: true, actual: 0 });
    const bad = await check(
      "- **CMD-1**: fails\n  - Check: command echo broken >&2; exit 3\n",
      {},
      { allowCommands: true },
    );
    expect(bad[0]).toMatchObject({ ok: false, severity: "error", actual: 3 });
    expect(bad[0]!.message).toContain("broken");
  });

  it("does not wait for a background child the command leaves behind", async () => {
    const t0 = Date.now();
    const [r] = await check(
      "- **CMD-1**: quick\n  - Check: command sleep 20 & exit 0\n",
      {},
      { allowCommands: true },
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(r).toMatchObject({ ok: true, actual: 0 });
  });

  it("kills a command that outlives its timeout, children included", async () => {
    const t0 = Date.now();
    const [r] = await check(
      "- **CMD-1**: hangs\n  - Check: command sleep 30 & sleep 30\n",
      {},
      { allowCommands: true, commandTimeoutMs: 300 },
    );
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(r).toMatchObject({ ok: false, actual: "timeout" });
    expect(r!.message).toContain("timed out after 300 ms");
  });
});

describe("runPafChecks", () => {
  it("checks only active facts, reports invalid checks as errors and unchecked facts only when asked", async () => {
    const doc =
      "- **A-1**: ~~old~~ Maximum file size 1 lines\n- **A-2**: x\n  - Check: frobnicate\n- **A-3**: prose only\n";
    const root = await project({ "a.ts": lines(5) });
    const results = await runPafChecks(await facts(doc), { root, includeUnchecked: true });
    expect(results.map((r) => [r.pafId, r.code ?? "", r.severity])).toEqual([
      ["A-2", "invalid-check", "error"],
      ["A-3", "no-check", "info"],
    ]);
  });
});
