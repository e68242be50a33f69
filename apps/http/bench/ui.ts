/**
 * The web inspector's pages on a running tta-http process over a file-backend store of
 * BENCH_UI_SESSIONS (default 10 000) sessions and BENCH_UI_MEMORIES (default 100 000) memories: each
 * page's latency (median of BENCH_UI_RUNS, default 15, after one warm-up that builds or loads the
 * search index) beside the JSON API requests that give the same data, and the floor, an idle
 * `/healthz` round trip, all in the same run. The target is ≤ 100 ms per page.
 *
 * Run: pnpm --filter @tta-dev/http exec node --conditions=source --import tsx bench/ui.ts
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileBackend } from "@tta-dev/memory-file";
import { populateMemories } from "@tta-dev/testkit/populate";
import { createHandlers } from "@tta-dev/workflow";
import { startBenchServer } from "./processes.js";

const SESSIONS = Number(process.env.BENCH_UI_SESSIONS ?? 10_000);
const MEMORIES = Number(process.env.BENCH_UI_MEMORIES ?? 100_000);
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 15);
const TTA_BIN = new URL("../src/bin.ts", import.meta.url);
const S = "ui-bench-2026-12-07";

interface Request {
  path: string;
  method?: "GET" | "POST";
  body?: unknown;
}

/** One request's round trip, in ms; fails on any status but 200. */
async function timed(url: string, r: Request): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${url}${r.path}`, {
    method: r.method ?? "GET",
    ...(r.body !== undefined
      ? { headers: { "content-type": "application/json" }, body: JSON.stringify(r.body) }
      : {}),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`${r.method ?? "GET"} ${r.path}: ${res.status}`);
  return performance.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The median of RUNS rounds of the requests made one after another (page and API interleaved). */
async function rounds(url: string, sets: Request[][]): Promise<number[]> {
  const times = sets.map(() => [] as number[]);
  for (const set of sets) for (const r of set) await timed(url, r); // warm-up
  for (let i = 0; i < RUNS; i++) {
    for (const [k, set] of sets.entries()) {
      let ms = 0;
      for (const r of set) ms += await timed(url, r);
      times[k]!.push(ms);
    }
  }
  return times.map(median);
}

const enc = encodeURIComponent(S);
const PAGES: { name: string; page: Request; api: Request[] }[] = [
  { name: "sessions (newest first)", page: { path: "/ui" }, api: [{ path: "/v1/sessions?order=newest" }] },
  {
    name: "a session",
    page: { path: `/ui/sessions/${enc}` },
    api: [
      { path: `/v1/sessions/${enc}` },
      { path: `/v1/sessions/${enc}/messages?afterSeq=0&limit=50` },
      { path: `/v1/sessions/${enc}/cache` },
      { path: "/v1/groups?limit=100" },
      {
        path: "/v1/memories/search",
        method: "POST",
        body: { sessionId: S, kinds: ["lesson"], limit: 20 },
      },
    ],
  },
  {
    name: "context preview (plan)",
    page: { path: `/ui/sessions/${enc}/context?stage=plan` },
    api: [
      {
        path: `/v1/sessions/${enc}/context`,
        method: "POST",
        body: { stage: "plan", format: "markdown" },
      },
    ],
  },
  { name: "groups", page: { path: "/ui/groups" }, api: [{ path: "/v1/groups?limit=100" }] },
  {
    name: "memory search",
    page: { path: "/ui/memory?q=redis+shard" },
    api: [{ path: "/v1/memories/search", method: "POST", body: { query: "redis shard", explain: true } }],
  },
  { name: "PAFs", page: { path: "/ui/pafs" }, api: [{ path: "/v1/pafs" }] },
];

const dir = await mkdtemp(join(tmpdir(), "tta-http-ui-bench-"));
try {
  await mkdir(join(dir, ".git"));
  await writeFile(join(dir, "PAFCORE.md"), "# PAFs\n\n- **QUAL-001**: Minimum 70% test coverage\n");
  const populated = performance.now();
  const backend = createFileBackend({ root: join(dir, ".tta") });
  const handlers = createHandlers({ backend, root: dir, dataDir: join(dir, ".tta"), version: "bench" });
  const ctx = { namespace: "default" };
  await handlers["session.create"]({ id: S, title: "UI bench", tags: ["bench"] }, ctx);
  await handlers["message.append"](
    {
      sessionId: S,
      messages: Array.from({ length: 200 }, (_, i) => ({
        role: "user" as const,
        content: `note ${i} on redis`,
      })),
    },
    ctx,
  );
  await handlers["cache.set"]({ sessionId: S, key: "current-file", value: { path: "src/a.ts" } }, ctx);
  await handlers["group.create"]({ name: "ui-bench", tags: ["bench"] }, ctx);
  await handlers["group.addSession"]({ groupId: "ui-bench", sessionId: S }, ctx);
  for (let i = 1; i < SESSIONS; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, SESSIONS - i) }, (_, k) =>
        handlers["session.create"]({ id: `work-${String(i + k).padStart(5, "0")}-2026-12-07` }, ctx),
      ),
    );
  }
  await populateMemories((input) => handlers["memory.create"](input, ctx), MEMORIES);
  await backend.close();
  const seconds = ((performance.now() - populated) / 1000).toFixed(0);
  console.log(
    `\nweb inspector pages, ${SESSIONS} sessions and ${MEMORIES} memories (file backend, populated in ${seconds} s), median of ${RUNS}\n`,
  );
  const server = await startBenchServer(TTA_BIN, { cwd: dir });
  try {
    const [floor] = await rounds(server.url, [[{ path: "/healthz" }]]);
    const sets = PAGES.flatMap((p) => [[p.page], p.api]);
    const times = await rounds(server.url, sets);
    console.log("| page | page ms | its API requests ms | page ÷ API | idle /healthz ms (floor) |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const [i, p] of PAGES.entries()) {
      const page = times[2 * i]!;
      const api = times[2 * i + 1]!;
      console.log(
        `| ${p.name} | ${page.toFixed(1)} | ${api.toFixed(1)} (${p.api.length}) | ${(page / api).toFixed(2)} | ${floor!.toFixed(2)} |`,
      );
    }
    console.log(`node ${process.version}`);
  } finally {
    await server.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
