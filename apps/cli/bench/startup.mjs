#!/usr/bin/env node
// Start-up of the built `tta` (dist/bin.js) as whole processes, beside `node -e 0` (the floor):
// `tta --version`, and `tta context <session> --stage plan` on a file-backend store holding one
// session of 10 000 1-KiB messages (plus the starter PAFCORE.md of `tta init`). Commands run
// round-robin so that machine noise hits each alike. BENCH_RUNS (default 40) runs per command.
// Then, for each of BENCH_MEMORIES (default 10000,100000) deep memories of 30 words, the same store
// with them: the first `tta memory search` (builds and persists the index), then round-robin
// `node -e 0`, `tta memory search`, `tta context <s> --stage plan`, and `tta memory add` followed by
// `tta memory search`, and `tta hook claude-code` answering a SessionStart (the session at stage plan,
// as Claude Code runs it: the event on stdin), BENCH_MEMORY_RUNS times (default 5, and 3 at 100k or
// more), with each process's peak RSS (by /usr/bin/time when it is there).
//   node scripts/bundle.mjs && node bench/startup.mjs     (what `pnpm bench` runs here)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig, openBackend, openHandlers } from "@tta-dev/runtime";
import { populateMemories } from "@tta-dev/testkit/populate";

const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const { freshBundle } = await import(new URL("../dist/bundle-freshness.js", import.meta.url).href);
const VERSION = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version;
const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const MESSAGES = 10_000;
const S = "bench-startup-2025-10-01";
// docs/performance.md#targets measures with 1 KiB messages.
const FILLER = "the preferences store keeps one Redis hash per user, with cached reads; ".repeat(16);

const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
const MEMORY_SIZES = (process.env.BENCH_MEMORIES ?? "10000,100000").split(",").filter(Boolean).map(Number);

/** Wall time and peak RSS (MB, null without /usr/bin/time) of one `node` process, `input` on its stdin. */
function measure(args, cwd, input) {
  const argv = TIME ? ["-f", "%M", process.execPath, ...args] : args;
  const start = performance.now();
  const r = spawnSync(TIME ?? process.execPath, argv, {
    cwd,
    stdio: [input === undefined ? "ignore" : "pipe", "ignore", "pipe"],
    ...(input === undefined ? {} : { input }),
  });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  // A hook always exits 0; what went wrong is on stderr.
  if (String(r.stderr).includes("tta hook: error")) throw new Error(`node ${args.join(" ")}: ${r.stderr}`);
  const kb = TIME ? Number(String(r.stderr).trim().split("\n").pop()) : Number.NaN;
  return { ms, rss: Number.isFinite(kb) ? kb / 1024 : null };
}

async function populateStore(cwd, count) {
  run([BIN, "init", "-q"], cwd);
  run([BIN, "session", "create", S, "-q"], cwd);
  const resolved = await loadConfig(cwd, {});
  const backend = await openBackend(resolved);
  try {
    const handlers = await openHandlers(resolved, backend, { version: "bench" });
    const ctx = { namespace: resolved.namespace };
    await handlers["message.append"](
      { sessionId: S, messages: [{ role: "user", content: "plan the redis pool change" }] },
      ctx,
    );
    await populateMemories((input) => handlers["memory.create"](input, ctx), count);
  } finally {
    await backend.close();
  }
}

async function benchMemories(count) {
  const dir = mkdtempSync(join(tmpdir(), "tta-bench-mem-"));
  mkdirSync(join(dir, ".git"));
  try {
    await populateStore(dir, count);
    const runs = Number(process.env.BENCH_MEMORY_RUNS ?? (count >= 100_000 ? 3 : 5));
    const search = [BIN, "memory", "search", "redis shard"];
    const first = measure(search, dir);
    // The session Claude Code session "bench-1" maps to, at stage plan, with one prompt.
    const hookEvent = (event) => JSON.stringify({ session_id: "bench-1", cwd: dir, ...event });
    measure(
      [BIN, "hook", "claude-code"],
      dir,
      hookEvent({ hook_event_name: "UserPromptSubmit", prompt: "plan the redis pool change" }),
    );
    const listed = spawnSync(
      process.execPath,
      [BIN, "session", "list", "--tag", "claude-code:bench-1", "--json"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    const hookSession = JSON.parse(listed.stdout).items[0].id;
    run([BIN, "stage", "set", hookSession, "plan", "-q"], dir);
    const sessionStart = hookEvent({ hook_event_name: "SessionStart", source: "resume" });
    const rows = [
      ["node -e 0 (floor)", ["-e", "0"]],
      ["tta memory search", search],
      ["tta context <s> --stage plan", [BIN, "context", S, "--stage", "plan"]],
      ["tta memory add", [BIN, "memory", "add", "one more redis note", "-q"]],
      ["tta memory search, after the add", search],
      ["tta hook claude-code, SessionStart (stage plan)", [BIN, "hook", "claude-code"], sessionStart],
    ];
    const samples = rows.map(() => []);
    for (let i = 0; i < runs; i++) {
      for (const [r, [, args, input]] of rows.entries()) samples[r].push(measure(args, dir, input));
    }
    const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const floor = med(samples[0].map((x) => x.ms));
    const mb = (x) => (x === null ? "–" : x.toFixed(0));
    console.log(`\n${count} memories, file backend, ${runs} runs each (median; RSS: largest)\n`);
    console.log("| command | median ms | × floor | max RSS MB |");
    console.log("| --- | ---: | ---: | ---: |");
    console.log(
      `| first \`tta memory search\` (builds, persists) | ${first.ms.toFixed(0)} | ${(first.ms / floor).toFixed(2)} | ${mb(first.rss)} |`,
    );
    rows.forEach(([name], r) => {
      const ms = med(samples[r].map((x) => x.ms));
      const rss = samples[r].every((x) => x.rss === null)
        ? null
        : Math.max(...samples[r].map((x) => x.rss ?? 0));
      console.log(`| \`${name}\` | ${ms.toFixed(0)} | ${(ms / floor).toFixed(2)} | ${mb(rss)} |`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(args, cwd) {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

async function populate(cwd) {
  run([BIN, "init", "-q"], cwd);
  run([BIN, "session", "create", S, "-q"], cwd);
  const resolved = await loadConfig(cwd, {});
  const backend = await openBackend(resolved);
  try {
    const handlers = await openHandlers(resolved, backend, { version: "bench" });
    for (let i = 0; i < MESSAGES; i += 1000) {
      const messages = Array.from({ length: 1000 }, (_, j) => ({
        role: j % 2 ? "assistant" : "user",
        content: `message ${i + j}: ${FILLER}`.slice(0, 1024),
      }));
      await handlers["message.append"]({ sessionId: S, messages }, { namespace: resolved.namespace });
    }
  } finally {
    await backend.close();
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

const cwd = mkdtempSync(join(tmpdir(), "tta-bench-"));
mkdirSync(join(cwd, ".git"));
try {
  await populate(cwd);
  const commands = [
    ["node -e 0 (floor)", ["-e", "0"]],
    ["tta --version", [BIN, "--version"]],
    ["tta context <s> --stage plan", [BIN, "context", S, "--stage", "plan"]],
    ["same, unbundled (dist/main.js)", [MAIN, "context", S, "--stage", "plan"]],
  ];
  const bundleDir = new URL("../dist/bundle/", import.meta.url);
  const before = freshBundle(bundleDir, VERSION) ? "bundle" : "unbundled";
  const times = commands.map(() => []);
  for (const [, args] of commands) run(args, cwd); // warm-up: file cache, PAF cache
  for (let i = 0; i < RUNS; i++) {
    for (const [c, [, args]] of commands.entries()) times[c].push(run(args, cwd));
  }
  const stats = times.map((t) => {
    const sorted = [...t].sort((a, b) => a - b);
    return { median: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
  });
  const floor = stats[0].median;
  const after = freshBundle(bundleDir, VERSION) ? "bundle" : "unbundled";
  const ran =
    before === after ? `the ${before} build` : `the ${before} build, then (sources changed) the ${after} one`;
  console.log(
    `tta start-up, ${RUNS} runs each, ${MESSAGES} × 1 KiB messages, file backend; dist/bin.js ran ${ran}`,
  );
  console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}\n`);
  console.log("| command | median ms | p95 ms | × floor |");
  console.log("| --- | ---: | ---: | ---: |");
  commands.forEach(([name], c) => {
    const { median, p95 } = stats[c];
    console.log(
      `| \`${name}\` | ${median.toFixed(0)} | ${p95.toFixed(0)} | ${(median / floor).toFixed(2)} |`,
    );
  });
} finally {
  rmSync(cwd, { recursive: true, force: true });
}

for (const count of MEMORY_SIZES) await benchMemories(count);
