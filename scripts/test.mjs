#!/usr/bin/env node
// Runs every package's tests through turbo, then adds up their vitest JSON reports and prints
// "N passed, N failed, N skipped" as the last line. Exits non-zero if anything failed or nothing ran.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const dirs = ["packages", "apps", "tests"].flatMap((d) =>
  existsSync(join(root, d)) ? readdirSync(join(root, d)).map((p) => join(root, d, p)) : [],
);
const withTests = dirs.filter((d) => {
  try {
    return Boolean(JSON.parse(readFileSync(join(d, "package.json"), "utf8")).scripts?.test);
  } catch {
    return false;
  }
});
for (const d of withTests) rmSync(join(d, ".reports"), { recursive: true, force: true });

const concurrency = process.env.TTA_TEST_CONCURRENCY ?? "1";
const args = ["turbo", "run", "test", "--continue", `--concurrency=${concurrency}`, ...process.argv.slice(2)];
const run = spawnSync("pnpm", ["exec", ...args], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1" },
});

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
const failures = [];
for (const d of withTests) {
  const report = join(d, ".reports", "vitest.json");
  if (!existsSync(report)) {
    missing.push(d.slice(root.length));
    continue;
  }
  const r = JSON.parse(readFileSync(report, "utf8"));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // Name every failed test near the closing line, where a log's tail will show it.
  for (const file of r.testResults ?? []) {
    for (const a of file.assertionResults ?? []) {
      if (a.status !== "failed") continue;
      const message = String(a.failureMessages?.[0] ?? "")
        .split("\n")
        .slice(0, 6);
      failures.push(
        `FAILED ${file.name.slice(root.length)} > ${a.fullName ?? a.title}\n  ${message.join("\n  ")}`,
      );
    }
  }
  // A file that failed to load (syntax error, failing hook) has no tests but must fail the run.
  for (const file of r.testResults ?? []) {
    if (file.status === "failed" && (file.assertionResults ?? []).every((a) => a.status !== "failed")) {
      failed += 1;
      console.error(
        `test file failed outside a test: ${file.name}: ${String(file.message ?? "").slice(0, 500)}`,
      );
    }
  }
}
for (const f of failures) console.error(f);
if (missing.length) {
  console.error(`no test report from: ${missing.join(", ")}`);
  failed += missing.length;
}
if (run.status !== 0 && failed === 0) {
  console.error(`turbo exited ${run.status} without a failed test in the reports`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
