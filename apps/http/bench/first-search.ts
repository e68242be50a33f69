/**
 * A running server's first search over a file-backend store of BENCH_FIRST_SEARCH_MEMORIES (default
 * 100 000) generated memories: the real tta-http process, `/healthz` asked again as soon as it answers
 * while the first `POST /v1/memories/search` runs. Reports the worst `/healthz` latency and the
 * search's own latency beside the floor, an idle `/healthz` round trip (median of 50) of the same
 * server in the same run. Twice: a server whose first search builds and persists the index, then a
 * restarted one that loads it.
 *
 * Run: pnpm --filter @tta-dev/http exec node --conditions=source --import tsx bench/first-search.ts
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileBackend } from "@tta-dev/memory-file";
import { populateMemories } from "@tta-dev/testkit/populate";
import { createHandlers } from "@tta-dev/workflow";
import { startBenchServer } from "./processes.js";

const MEMORIES = Number(process.env.BENCH_FIRST_SEARCH_MEMORIES ?? 100_000);
const TTA_BIN = new URL("../src/bin.ts", import.meta.url);
/** BENCH_CPU_PROF=<dir>: the servers write CPU profiles there (where the worst stall went). */
const PROFILE = process.env.BENCH_CPU_PROF
  ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
  : [];
const SEARCH = { query: "redis shard", limit: 5 };

async function healthz(url: string): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}/healthz`);
  await res.arrayBuffer();
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function firstSearch(url: string) {
  const idle: number[] = [];
  for (let i = 0; i < 50; i++) idle.push(await healthz(url));
  let done = false;
  let worst = 0;
  let polls = 0;
  /** The worst poll, in process.hrtime µs (the clock of a CPU profile, on Linux). */
  let window = { start: 0, end: 0 };
  const poll = (async () => {
    while (!done) {
      const start = Number(process.hrtime.bigint() / 1000n);
      const ms = await healthz(url);
      if (ms > worst) window = { start, end: Number(process.hrtime.bigint() / 1000n) };
      worst = Math.max(worst, ms);
      polls++;
    }
  })();
  const started = performance.now();
  const res = await fetch(`${url}/v1/memories/search`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(SEARCH),
  });
  const body = (await res.json()) as { items?: unknown[] };
  const searchMs = performance.now() - started;
  done = true;
  await poll;
  if (res.status !== 200 || body.items?.length !== SEARCH.limit) throw new Error(`search: ${res.status}`);
  return { floor: median(idle), worst, searchMs, polls, window };
}

const windows: { name: string; start: number; end: number }[] = [];
const dir = await mkdtemp(join(tmpdir(), "tta-http-first-search-"));
try {
  await mkdir(join(dir, ".git"));
  await writeFile(join(dir, "PAFCORE.md"), "# PAFs\n\n- **QUAL-001**: Minimum 70% test coverage\n");
  const populated = performance.now();
  const backend = createFileBackend({ root: join(dir, ".tta") });
  const handlers = createHandlers({ backend, root: dir, dataDir: join(dir, ".tta"), version: "bench" });
  await populateMemories((input) => handlers["memory.create"](input, { namespace: "default" }), MEMORIES);
  await backend.close();
  const seconds = ((performance.now() - populated) / 1000).toFixed(0);
  console.log(
    `\na running server's first search, ${MEMORIES} memories (file backend, populated in ${seconds} s)\n`,
  );
  console.log(
    "| case | idle /healthz ms (floor) | worst /healthz during it ms | × floor | search ms | polls |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const name of ["first search: builds and persists the index", "restarted server: loads it"]) {
    const server = await startBenchServer(TTA_BIN, { cwd: dir, nodeArgs: PROFILE });
    try {
      const r = await firstSearch(server.url);
      windows.push({ name, ...r.window });
      console.log(
        `| ${name} | ${r.floor.toFixed(1)} | ${r.worst.toFixed(0)} | ${(r.worst / r.floor).toFixed(0)} | ${r.searchMs.toFixed(0)} | ${r.polls} |`,
      );
    } finally {
      await server.stop();
    }
  }
  console.log(`node ${process.version}`);
  if (process.env.BENCH_CPU_PROF) {
    await writeFile(join(process.env.BENCH_CPU_PROF, "worst-polls.json"), JSON.stringify(windows));
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
