import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFileBackend } from "@tta-dev/memory-file";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { spawnNode } from "@tta-dev/testkit/node";
import { afterAll, describe, expect, it } from "vitest";
import { createMemoryWorkflow, type MemoryWorkflow } from "../src/index.js";
import { crashSession } from "./crash-sessions.js";
import { faultyBackend } from "./faulty-backend.js";

const worker = fileURLToPath(new URL("./workers/crash-worker.ts", import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "tta-crash-"));
  dirs.push(d);
  return d;
}

/** Start the worker, wait until it is ready, let it work for `ms`, then SIGKILL it. */
async function runAndKill(task: Record<string, unknown>, ms: number): Promise<string[]> {
  const run = spawnNode([worker, JSON.stringify(task)]);
  const ready = await run.waitFor(/ready\n/, { stream: "stdout", timeoutMs: 60_000 }).then(
    () => true,
    () => false,
  );
  const timer = ready ? setTimeout(() => run.child.kill("SIGKILL"), ms) : undefined;
  const { code, signal, stdout, stderr } = await run.exited;
  clearTimeout(timer);
  if (signal !== "SIGKILL" && code !== 0) throw new Error(`worker exited ${code}: ${stderr}`);
  return stdout.split("\n").filter(Boolean);
}

async function lessonsOf(wf: MemoryWorkflow, sessionId: string): Promise<string[]> {
  const hits = await wf.memory.memories.search({ sessionId, kinds: ["lesson"], limit: 100 });
  return hits.map((h) => h.memory.content).sort();
}

describe("session complete with lessons across a crash", () => {
  it("a failure between the lessons and the status change leaves the lessons; the retry completes without duplicates", async () => {
    const inner = createInMemoryBackend();
    let failSessionPut = true;
    const backend = faultyBackend(inner, (call) =>
      failSessionPut &&
      call.method === "put" &&
      call.scope.collection === "sessions" &&
      call.key === "auth-design-2026-12-03"
        ? "fail"
        : undefined,
    );
    const setupWf = createMemoryWorkflow({ backend: inner, namespace: "c1" });
    await setupWf.memory.sessions.create({ id: "auth-design-2026-12-03", tags: ["auth"] });
    const wf = createMemoryWorkflow({ backend, namespace: "c1" });
    const lessons = ["Rotate refresh tokens", "Keep sessions short"];
    await expect(
      wf.memory.sessions.complete({ id: "auth-design-2026-12-03", lessons }),
    ).rejects.toMatchObject({
      code: "BACKEND_UNAVAILABLE",
    });
    expect((await wf.memory.sessions.get({ id: "auth-design-2026-12-03" })).status).toBe("active");
    expect(await lessonsOf(wf, "auth-design-2026-12-03")).toEqual([...lessons].sort());
    failSessionPut = false;
    const done = await wf.memory.sessions.complete({ id: "auth-design-2026-12-03", lessons });
    expect(done.session.status).toBe("completed");
    expect(done.lessons.map((l) => l.tags)).toEqual([["auth"], ["auth"]]);
    expect(await lessonsOf(wf, "auth-design-2026-12-03")).toEqual([...lessons].sort());
  });

  it("a failure after the first lesson: the retry stores the others, each once", async () => {
    const inner = createInMemoryBackend();
    let puts = 0;
    let armed = true;
    const backend = faultyBackend(inner, (call) =>
      armed && call.method === "put" && call.scope.collection === "memories" && ++puts === 2
        ? "fail"
        : undefined,
    );
    const wf = createMemoryWorkflow({ backend, namespace: "c2" });
    await wf.memory.sessions.create({ id: "auth-design-2026-12-03" });
    const lessons = ["one lesson", "two lesson", "three lesson"];
    await expect(
      wf.memory.sessions.complete({ id: "auth-design-2026-12-03", lessons }),
    ).rejects.toMatchObject({
      code: "BACKEND_UNAVAILABLE",
    });
    armed = false;
    await wf.memory.sessions.complete({ id: "auth-design-2026-12-03", lessons });
    expect(await lessonsOf(wf, "auth-design-2026-12-03")).toEqual([...lessons].sort());
  });

  it("SIGKILL at random moments: a completed session always has all its lessons, and a retry completes the rest without duplicates", async () => {
    let windowsHit = 0;
    for (let round = 0; round < 12; round++) {
      const root = tempDir();
      await runAndKill({ mode: "complete", root, namespace: "k", count: 60 }, 10 + ((round * 37) % 200));
      const wf = createMemoryWorkflow({ backend: createFileBackend({ root }), namespace: "k" });
      for (let i = 0; i < 60; i++) {
        const { id, lessons } = crashSession(i);
        const session = await wf.memory.sessions.get({ id }).catch(() => null);
        if (!session) continue;
        const stored = await lessonsOf(wf, id);
        if (session.status === "completed") {
          expect(stored, `${id} is completed`).toEqual(lessons);
          continue;
        }
        // Killed inside complete: whatever lessons exist are the session's own, each once.
        expect(new Set(stored).size).toBe(stored.length);
        for (const l of stored) expect(lessons).toContain(l);
        if (stored.length > 0) windowsHit++;
        await wf.memory.sessions.complete({ id, lessons });
        expect(await lessonsOf(wf, id)).toEqual(lessons);
      }
    }
    // Not every kill lands inside a complete; report how often the window was hit.
    console.info(`SIGKILL rounds that left a session active with some lessons: ${windowsHit}`);
  }, 120_000);
});

describe("deep memory across a SIGKILLed writer", () => {
  it("a reader with a built index and a fresh process see the same memories after the writer dies mid-write", async () => {
    for (let round = 0; round < 6; round++) {
      const root = tempDir();
      const reader = createMemoryWorkflow({ backend: createFileBackend({ root }), namespace: "m" });
      await reader.memory.memories.search({}); // built before the writer starts
      let searching = true;
      const searches = (async () => {
        while (searching) {
          await reader.memory.memories.search({ query: "crash" });
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const acks = await runAndKill({ mode: "memories", root, namespace: "m" }, 5 + round * 7);
      searching = false;
      await searches;
      const fresh = createMemoryWorkflow({ backend: createFileBackend({ root }), namespace: "m" });
      const view = async (wf: MemoryWorkflow) =>
        (await wf.memory.memories.search({ limit: 100 }))
          .map((h) => `${h.memory.id}:${h.memory.content}:${h.memory.version}`)
          .sort();
      const truth = await view(fresh);
      expect(truth.length).toBeLessThan(100);
      expect(await view(reader)).toEqual(truth);
      // Every acknowledged create that was not deleted later is there.
      expect(acks.length).toBeGreaterThan(0);
    }
  }, 120_000);
});
