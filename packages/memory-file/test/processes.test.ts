import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LogEntry, SessionGroup } from "@tta-dev/core";
import { readAll } from "@tta-dev/testkit";
import { describe, expect, it } from "vitest";
import { createFileBackend } from "../src/index.js";
import { runWorker, startWorker } from "./spawn-worker.js";
import { useTempDirs } from "./temp-dirs.js";

const tempDir = useTempDirs();

const log = (namespace: string) => ({ namespace, collection: "messages", partition: "shared-2026-01-01" });
const fresh = () => tempDir("tta-file-proc-");

describe("file backend across real processes", () => {
  it("4 processes × 500 appends to one session give seqs 1..2000 exactly once", async () => {
    const root = fresh();
    const results = await Promise.all(
      [0, 1, 2, 3].map((id) =>
        runWorker<{ seqs: number[] }>({ mode: "append", root, namespace: "default", id, count: 500 }),
      ),
    );
    const seqs = results.flatMap((r) => r.seqs).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    const backend = createFileBackend({ root });
    const all = await readAll(backend, log("default"));
    expect(all.map((e) => e.seq)).toEqual(seqs);
    // Each child's own appends are in its order.
    for (const id of [0, 1, 2, 3]) {
      const mine = all
        .filter((e) => (e.value as { child: number }).child === id)
        .map((e) => (e.value as { i: number }).i);
      expect(mine).toEqual(Array.from({ length: 500 }, (_, i) => i));
    }
    await backend.close();
  }, 120_000);

  it("4 processes × 200 group metadata updates with ifVersion and retry lose no update", async () => {
    const root = fresh();
    const backend = createFileBackend({ root });
    const groups = { namespace: "default", collection: "groups" };
    const t = "2026-01-01T00:00:00.000Z";
    const group: SessionGroup = {
      id: "shared",
      description: "contended",
      tags: [],
      sessionIds: [],
      status: "active",
      metadata: {},
      createdAt: t,
      updatedAt: t,
      version: 1,
    };
    await backend.put(groups, "shared", group, { ifVersion: 0 });
    const results = await Promise.all(
      [0, 1, 2, 3].map((id) =>
        runWorker<{ conflicts: number }>({ mode: "meta", root, namespace: "default", id, count: 200 }),
      ),
    );
    const rec = await backend.get(groups, "shared");
    const g = rec!.value as SessionGroup;
    expect(Object.keys(g.metadata)).toHaveLength(800);
    expect(rec!.version).toBe(801);
    expect(g.version).toBe(801);
    expect(results.reduce((n, r) => n + r.conflicts, 0)).toBeGreaterThanOrEqual(0);
    await backend.close();
  }, 180_000);

  it("a killed lock holder does not block the next writer", async () => {
    const root = fresh();
    const backend = createFileBackend({ root, lockTimeoutMs: 2_000 });
    await backend.append(log("default"), [{ value: "before" }]);
    const lockPath = join(root, "ns", "default", "log", "messages", "shared-2026-01-01.jsonl.lock");
    const child = startWorker({ mode: "die-holding-lock", root, lockPath });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, sig) => resolve(sig)),
    );
    expect(signal).toBe("SIGKILL");
    expect(existsSync(lockPath)).toBe(true);
    const started = Date.now();
    const [e] = await backend.append(log("default"), [{ value: "after" }]);
    expect(e!.seq).toBe(2);
    expect(Date.now() - started).toBeLessThan(500);
    expect(existsSync(lockPath)).toBe(false);
    await backend.close();
  }, 30_000);

  it("20 runs of SIGKILL on a writer mid-append: every acknowledged message is there, nothing torn, no manual cleanup", async () => {
    const root = fresh();
    const acked = new Map<number, { run: number }>();
    const file = join(root, "ns", "default", "log", "messages", "shared-2026-01-01.jsonl");
    const seen = { staleLocks: 0, tornTails: 0 };
    for (let run = 0; run < 20; run++) {
      const child = startWorker({ mode: "forever", root, namespace: "default", id: run, count: 0 });
      let buffered = "";
      let acks = 0;
      let lastBatch = -1;
      child.stdout!.on("data", (d: Buffer) => {
        buffered += d.toString();
        const lines = buffered.split("\n");
        buffered = lines.pop()!;
        for (const line of lines) {
          if (!line.startsWith("ack ")) continue;
          const [batch, ...seqs] = line.slice(4).split(" ");
          for (const s of seqs) acked.set(Number(s), { run });
          lastBatch = Number(batch);
          acks++;
        }
      });
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (acks >= 20 + Math.floor(Math.random() * 200)) {
            clearInterval(check);
            child.kill("SIGKILL");
            resolve();
          }
        }, 1);
      });
      await new Promise((resolve) => child.on("exit", resolve));
      if (existsSync(`${file}.lock`)) seen.staleLocks++;
      const text = readFileSync(file);
      if (text.length > 0 && text[text.length - 1] !== 0x0a) seen.tornTails++;
      // The next writer (this process) gets the lock at once and appends after what was committed.
      const backend = createFileBackend({ root, lockTimeoutMs: 2_000 });
      const started = Date.now();
      const length = await backend.logLength(log("default"));
      const [marker] = await backend.append(log("default"), [{ value: { run, marker: true } }]);
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(marker!.seq).toBe(length + 1);
      acked.set(marker!.seq, { run });
      const all: LogEntry[] = await readAll(backend, log("default"));
      expect(all.map((e) => e.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
      for (const [seq, { run: r }] of acked) expect((all[seq - 1]!.value as { run: number }).run).toBe(r);
      // Idempotency keys survive the kill: the last acknowledged batch is a duplicate when retried, and
      // the batch that was in flight is either wholly there (written, not yet acknowledged) or appended anew.
      const retried = await backend.append(log("default"), [
        { value: "retry", idempotencyKey: `${run}-${lastBatch}-0` },
      ]);
      expect(retried[0]).toMatchObject({ duplicate: true, value: { run, i: lastBatch, j: 0 } });
      const inFlight = await backend.append(log("default"), [
        { value: { run, i: lastBatch + 1, j: 0 }, idempotencyKey: `${run}-${lastBatch + 1}-0` },
      ]);
      expect(inFlight[0]!.value).toMatchObject({ run, i: lastBatch + 1, j: 0 });
      if (!inFlight[0]!.duplicate) acked.set(inFlight[0]!.seq, { run });
      await backend.close();
    }
    console.info(`SIGKILL runs: ${seen.staleLocks} left a lock behind, ${seen.tornTails} left a torn tail`);
  }, 180_000);
});
