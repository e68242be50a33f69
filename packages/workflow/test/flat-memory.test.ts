/**
 * Export and import stream: the memory they use does not grow with the session. One session of
 * 1 million messages (a 220 MB bundle) is exported and imported by processes whose heap is capped at
 * 64 MB, so holding the bundle, the session's messages or one entry per message would fail them; and
 * their peak heap and RSS stay within a fixed margin of the same steps on a session of 20 000.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { messagesScope } from "@tta-dev/core";
import { createFileBackend } from "@tta-dev/memory-file";
import { lastJsonLine, runNode } from "@tta-dev/testkit/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const worker = fileURLToPath(new URL("./workers/flat-memory-worker.ts", import.meta.url));
const LARGE = 1_000_000;
const SMALL = 20_000;
const MB = 1024 * 1024;

interface Step {
  lines?: number;
  imported?: { messages: number };
  peakHeap: number;
  maxRss: number;
}

async function step(task: Record<string, unknown>, heapMb?: number): Promise<Step> {
  const args = [...(heapMb ? [`--max-old-space-size=${heapMb}`] : []), worker, JSON.stringify(task)];
  const { code, stdout, stderr } = await runNode(args);
  expect(code, stderr.slice(-2000)).toBe(0);
  return lastJsonLine<Step>(stdout);
}

describe("export and import of a session of 1 million messages", () => {
  let work: string;
  const result: Record<string, { export: Step; import: Step }> = {};

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "tta-flat-"));
    for (const [name, messages] of [
      ["small", SMALL],
      ["large", LARGE],
    ] as const) {
      const root = join(work, name);
      await step({ step: "populate", root, messages });
      const out = join(work, `${name}.ndjson`);
      const exported = await step({ step: "export", root, out }, 64);
      const imported = await step({ step: "import", root: join(work, `${name}-copy`), file: out }, 64);
      result[name] = { export: exported, import: imported };
    }
  }, 600_000);
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("exports every message with a heap of 64 MB, using no more memory than for 20 000", async () => {
    const { small, large } = result as Record<string, { export: Step }>;
    expect(large!.export.lines).toBe(LARGE + 3); // header, session, messages, trailer
    expect((await stat(join(work, "large.ndjson"))).size).toBeGreaterThan(150 * MB);
    expect(large!.export.peakHeap).toBeLessThan(small!.export.peakHeap + 24 * MB);
    expect(large!.export.maxRss).toBeLessThan(small!.export.maxRss + 64 * MB);
  });

  it("imports them all with a heap of 64 MB, using no more memory than for 20 000", async () => {
    const { small, large } = result as Record<string, { import: Step }>;
    expect(large!.import.imported!.messages).toBe(LARGE);
    expect(large!.import.peakHeap).toBeLessThan(small!.import.peakHeap + 24 * MB);
    expect(large!.import.maxRss).toBeLessThan(small!.import.maxRss + 64 * MB);
    const backend = createFileBackend({ root: join(work, "large-copy") });
    try {
      const scope = messagesScope("default", "long-run-2026-11-25");
      expect(await backend.logLength(scope)).toBe(LARGE);
      const [last] = await backend.readLog(scope, { fromEnd: true, limit: 1 });
      expect(last!.seq).toBe(LARGE);
      expect(JSON.stringify(last!.value)).toContain(`message ${LARGE - 1}:`);
    } finally {
      await backend.close();
    }
  });
});
