/**
 * loadWorkflowContext for standard/plan with 10k messages, 10k memories and 34 PAFs, warm, on the
 * in-memory and the file backend, beside the floor: reading the same 30 latest messages straight from
 * the backend. Run: pnpm --filter @tta-dev/workflow bench
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MemoryBackend, messagesScope } from "@tta-dev/core";
import { createFileBackend } from "@tta-dev/memory-file";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { createPafSource } from "@tta-dev/paf";
import { Bench } from "tinybench";
import { createMemoryWorkflow } from "../src/index.js";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const MEMORIES = Number(process.env.BENCH_MEMORIES ?? 10_000);
const S = "bench-plan-2026-11-25";
const WORDS =
  "redis cache pool session token budget stage plan memory lesson group failure retry cluster index".split(
    " ",
  );

function pafDoc(): string {
  const lines = ["# PAFs", ""];
  for (let i = 1; i <= 34; i++)
    lines.push(
      `## Section ${i}`,
      `- **CAT-${String(i).padStart(3, "0")}**: Rule number ${i} about ${WORDS[i % WORDS.length]}`,
      "",
    );
  return lines.join("\n");
}

async function seed(backend: MemoryBackend, root: string) {
  await writeFile(join(root, "PAFCORE.md"), pafDoc());
  const wf = createMemoryWorkflow({ backend, pafSource: createPafSource({ root }) });
  await wf.memory.sessions.create({ id: S, title: "Plan the redis cache" });
  for (let i = 0; i < MESSAGES; i += 1000) {
    await wf.memory.messages.appendBatch({
      sessionId: S,
      messages: Array.from({ length: Math.min(1000, MESSAGES - i) }, (_, j) => ({
        role: (i + j) % 2 ? ("assistant" as const) : ("user" as const),
        content: `message ${i + j} ${WORDS[(i + j) % WORDS.length]} ${"lorem ipsum ".repeat(80)}`,
      })),
    });
  }
  for (let i = 0; i < 50; i++) await wf.memory.cache.set({ sessionId: S, key: `k${i}`, value: { i } });
  for (let i = 0; i < MEMORIES; i++) {
    await wf.memory.memories.create({
      content: `${WORDS[i % WORDS.length]} ${WORDS[(i * 7) % WORDS.length]} lesson number ${i}`,
      tags: [WORDS[i % 5]!],
      importance: (i % 10) / 10,
    });
  }
  return wf;
}

async function main() {
  const rows: Record<string, unknown>[] = [];
  for (const [name, make] of [
    ["memory", async () => createInMemoryBackend()],
    ["file", async () => createFileBackend({ root: await mkdtemp(join(tmpdir(), "tta-bench-")) })],
  ] as const) {
    const root = await mkdtemp(join(tmpdir(), "tta-bench-root-"));
    const backend = await make();
    const wf = await seed(backend, root);
    const ctx = { workflowId: "bench", sessionId: S, metadata: {}, state: {} };
    await wf.loadWorkflowContext(ctx, { stage: "plan", mode: "standard" }); // warm: index built, PAFs parsed
    const bench = new Bench({ time: 3000, warmupIterations: 5 });
    bench
      .add(`${name}: floor (last 30 messages)`, async () => {
        await backend.readLog(messagesScope("default", S), { fromEnd: true, limit: 30 });
      })
      .add(`${name}: loadWorkflowContext standard/plan`, async () => {
        await wf.loadWorkflowContext(ctx, { stage: "plan", mode: "standard" });
      });
    await bench.run();
    const [floor, load] = bench.tasks.map((t) => t.result as { latency: { p50?: number; p99?: number } });
    for (const t of bench.tasks) {
      const r = t.result as { latency: { p50?: number; p99?: number } };
      rows.push({
        task: t.name,
        "median ms": r.latency.p50?.toFixed(3),
        "p99 ms": r.latency.p99?.toFixed(3),
      });
    }
    rows.push({
      task: `${name}: ratio load/floor`,
      "median ms": ((load!.latency.p50 ?? 0) / (floor!.latency.p50 ?? 1)).toFixed(1),
    });
    await backend.close();
  }
  console.log(
    `messages=${MESSAGES} memories=${MEMORIES} pafs=34 (goal: median < 15 ms warm on the file backend)`,
  );
  console.table(rows);
}

await main();
