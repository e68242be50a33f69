/**
 * The MCP server as an agent meets it, each figure beside its floor in the same run:
 *
 * 1. `tta mcp` spawned and answering `initialize` (the built CLI, as a client starts it), beside
 *    `node -e 0` spawned and exiting. Round-robin, BENCH_RUNS (default 20) each.
 * 2. A warm `context_load` (standard/plan) over stdio on a file store holding one session of 10k 1-KiB
 *    messages and 10k deep memories, beside the same call of the in-process handler on the same store.
 *    The target is ≤ 1.5 × the handler + 1 ms.
 *
 * Run: pnpm --filter @tta-dev/mcp bench   (after pnpm build)
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { loadConfig, openBackend, openHandlers } from "@tta-dev/runtime";

const TTA = fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const CALLS = Number(process.env.BENCH_CALLS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const MEMORIES = Number(process.env.BENCH_MEMORIES ?? 10_000);
const S = "bench-mcp-2026-12-03";
const FILLER = "the preferences store keeps one Redis hash per user, with cached reads; ".repeat(16);
const WORDS = "redis cache pool session token budget stage plan memory lesson group failure retry".split(" ");

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => n.toFixed(n < 10 ? 2 : 0);

/** ms from spawn until the first line on stdout (the answer to `initialize`). */
function untilInitialized(cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [TTA, "mcp"], { cwd, stdio: ["pipe", "pipe", "ignore"] });
    child.stdout!.once("data", () => {
      resolve(performance.now() - started);
      child.kill();
    });
    child.on("error", reject);
    const init = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "bench", version: "1" },
      },
    };
    child.stdin!.write(`${JSON.stringify(init)}\n`);
  });
}

function nodeFloor(): number {
  const started = performance.now();
  spawnSync(process.execPath, ["-e", "0"]);
  return performance.now() - started;
}

async function populate(cwd: string) {
  const resolved = await loadConfig(cwd, {});
  const backend = await openBackend(resolved);
  const handlers = await openHandlers(resolved, backend, { version: "bench" });
  const ns = { namespace: resolved.namespace };
  await handlers["session.create"]({ id: S, title: "Plan the redis cache" }, ns);
  for (let i = 0; i < MESSAGES; i += 1000) {
    const messages = Array.from({ length: Math.min(1000, MESSAGES - i) }, (_, j) => ({
      role: (j % 2 ? "assistant" : "user") as "assistant" | "user",
      content: `message ${i + j}: ${FILLER}`.slice(0, 1024),
    }));
    await handlers["message.append"]({ sessionId: S, messages }, ns);
  }
  for (let i = 0; i < MEMORIES; i++) {
    await handlers["memory.create"](
      {
        content: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} lesson ${i}`,
        importance: (i % 10) / 10,
      },
      ns,
    );
  }
  return { backend, handlers, ns };
}

async function main() {
  const cwd = mkdtempSync(join(tmpdir(), "tta-mcp-bench-"));
  mkdirSync(join(cwd, ".git"));
  try {
    process.stdout.write(`populating: ${MESSAGES} messages, ${MEMORIES} memories…\n`);
    const { backend, handlers, ns } = await populate(cwd);

    const floor: number[] = [];
    const init: number[] = [];
    await untilInitialized(cwd); // the OS's file cache, as for any later start
    for (let i = 0; i < RUNS; i++) {
      floor.push(nodeFloor());
      init.push(await untilInitialized(cwd));
    }

    const input = { sessionId: S, stage: "plan" as const, format: "markdown" as const };
    const client = new Client({ name: "bench", version: "1" });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [TTA, "mcp"], cwd, stderr: "ignore" }),
    );
    for (let i = 0; i < 10; i++) {
      await client.callTool({ name: "context_load", arguments: input });
      await handlers["context.load"](input, ns);
    }
    const inProcess: number[] = [];
    const overStdio: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      let t = performance.now();
      await handlers["context.load"](input, ns);
      inProcess.push(performance.now() - t);
      t = performance.now();
      const r = await client.callTool({ name: "context_load", arguments: input });
      overStdio.push(performance.now() - t);
      if (r.isError) throw new Error(JSON.stringify(r.content));
    }
    await client.close();
    await backend.close();

    const rows = [
      ["node -e 0 (floor)", median(floor), "", ""],
      [
        "tta mcp: spawn → initialize answered",
        median(init),
        `${(median(init) / median(floor)).toFixed(2)} × floor`,
        "≤ 300 ms",
      ],
      ["context.load standard/plan, in-process handler (floor)", median(inProcess), "", ""],
      [
        "context_load over stdio (tta mcp)",
        median(overStdio),
        `${(median(overStdio) / median(inProcess)).toFixed(2)} × handler; handler × 1.5 + 1 ms = ${fmt(median(inProcess) * 1.5 + 1)} ms`,
        "≤ 1.5 × handler + 1 ms",
      ],
    ];
    process.stdout.write("\n| what | median ms | ratio | target |\n|---|---|---|---|\n");
    for (const [what, ms, ratio, target] of rows)
      process.stdout.write(`| ${what} | ${fmt(ms as number)} | ${ratio} | ${target} |\n`);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

await main();
