import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { spawnNode } from "@tta-dev/testkit/node";
import { type RedisServerHandle, startRedisServer } from "@tta-dev/testkit/redis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisBackend } from "../src/index.js";
import type { FaultReport } from "./fault-worker.js";
import { uniqueNamespace } from "./helpers.js";
import { serverTestsEnabled } from "./servers.js";

const enabled = await serverTestsEnabled();
const BOUND = 1000;
const SLACK = 700;
const worker = fileURLToPath(new URL("./fault-worker.ts", import.meta.url));

interface Worker {
  reports: FaultReport[];
  stop(): void;
  done: Promise<number | null>;
}

function runWorker(env: Record<string, string>): Worker {
  const reports: FaultReport[] = [];
  const run = spawnNode([worker], { env: { ...process.env, ...env }, ipc: true, timeoutMs: 60_000 });
  const { child } = run;
  child.on("message", (m) => reports.push(m as FaultReport));
  const done = run.exited.then(({ code, stderr }) => {
    if (code !== 0) throw new Error(`fault worker exited ${code}: ${stderr.slice(-2000)}`);
    return code;
  });
  return { reports, stop: () => child.send("stop"), done };
}

/** Wait until every worker has acknowledged `n` writes after report index `from[i]`. */
async function untilEachWrote(workers: Worker[], n: number, from: number[] = []): Promise<void> {
  const deadline = Date.now() + 30_000;
  const wrote = (w: Worker, i: number) =>
    w.reports.slice(from[i] ?? 0).filter((r) => r.type === "append" || r.type === "cas").length;
  while (!workers.every((w, i) => wrote(w, i) >= n)) {
    if (Date.now() > deadline) throw new Error("fault workers made no progress within 30 s");
    await sleep(50);
  }
}

describe.runIf(enabled)("Redis killed and restarted under load (appendonly yes, appendfsync always)", () => {
  let server: RedisServerHandle | null = null;
  afterAll(async () => {
    await server?.stop();
  });

  it("keeps every acknowledged write, gapless seqs, no lost CAS update; calls while down fail in time", async () => {
    server = await startRedisServer({ appendonly: true, appendfsync: "always" });
    const ns = uniqueNamespace("fault");
    const env = {
      TTA_REDIS_URL: server.url,
      TTA_FAULT_NS: ns,
      TTA_FAULT_MS: "5000",
      TTA_REDIS_TIMEOUT_MS: String(BOUND),
    };
    const workers = [runWorker({ ...env, TTA_FAULT_ID: "a" }), runWorker({ ...env, TTA_FAULT_ID: "b" })];
    await untilEachWrote(workers, 10);
    const ackedBeforeKill = workers.flatMap((w) => w.reports).filter((r) => r.type !== "fail").length;
    await server.kill();
    await sleep(1000);
    await server.restart();
    const atRestart = workers.map((w) => w.reports.length);
    await untilEachWrote(workers, 10, atRestart);
    for (const w of workers) w.stop();
    await Promise.all(workers.map((w) => w.done));
    const reports = workers.flatMap((w) => w.reports);

    const fails = reports.filter((r) => r.type === "fail");
    const appends = reports.filter((r) => r.type === "append");
    const cas = reports.filter((r) => r.type === "cas");
    expect(ackedBeforeKill, "work was done before the kill").toBeGreaterThan(0);
    expect(fails.length, "calls were made while Redis was down").toBeGreaterThan(0);
    for (const f of fails) {
      expect(f.code, f.op).toBe("BACKEND_UNAVAILABLE");
      expect(f.ms, f.op).toBeLessThan(BOUND + SLACK);
    }
    expect(reports.filter((r) => r.type === "done")).toHaveLength(2);

    const backend = createRedisBackend({ url: server.url });
    const log = { namespace: ns, collection: "events", partition: "shared" };
    const entries = await backend.readLog(log, { limit: 10_000 });
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));
    const bySeq = new Map(entries.map((e) => [e.seq, e.value]));
    for (const a of appends) {
      a.seqs.forEach((seq, i) => {
        expect(bySeq.get(seq), `acknowledged seq ${seq}`).toBe(a.values[i]);
      });
    }
    const values = entries.map((e) => e.value as string);
    expect(new Set(values).size, "no value appended twice").toBe(values.length);
    // Writes acknowledged after the restart prove the same backend objects recovered.
    workers.forEach((w, i) => {
      const after = w.reports.slice(atRestart[i]).filter((r) => r.type === "append" || r.type === "cas");
      expect(after.length, `worker ${i} wrote again after the restart`).toBeGreaterThan(0);
    });

    const counter = await backend.get({ namespace: ns, collection: "things" }, "counter");
    const n = (counter?.value as { n: number } | undefined)?.n;
    expect(n, "no lost CAS update: n counts every version").toBe(counter?.version);
    expect(n).toBeGreaterThanOrEqual(cas.length);
    expect(n).toBeGreaterThanOrEqual(Math.max(...cas.map((c) => c.version)));
    expect(new Set(cas.map((c) => c.version)).size, "each acknowledged version once").toBe(cas.length);
    await backend.close();
  }, 90_000);
});
