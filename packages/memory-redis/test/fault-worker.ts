/**
 * Child process of the fault test: appends and CAS-increments against Redis until the parent
 * sends "stop", reporting every acknowledged write and every failure over IPC as it happens.
 * Env: TTA_REDIS_URL, TTA_FAULT_NS, TTA_FAULT_ID, TTA_REDIS_TIMEOUT_MS.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { hasErrorCode, isTtaError } from "@tta-dev/core";
import { createBackend } from "./child-backend.js";

export type FaultReport =
  | { type: "append"; seqs: number[]; values: string[] }
  | { type: "cas"; version: number; n: number }
  | { type: "fail"; op: string; code: string; ms: number }
  | { type: "done" };

const send = (r: FaultReport): Promise<void> =>
  new Promise((resolve) => {
    process.send!(r, () => resolve());
  });

async function main(): Promise<void> {
  const ns = process.env.TTA_FAULT_NS!;
  const id = process.env.TTA_FAULT_ID!;
  let stopped = false;
  process.on("message", (m) => {
    if (m === "stop") stopped = true;
  });
  const backend = await createBackend();
  const log = { namespace: ns, collection: "events", partition: "shared" };
  const counter = { namespace: ns, collection: "things" };
  let i = 0;
  const attempt = async (op: string, fn: () => Promise<void>): Promise<void> => {
    const start = performance.now();
    try {
      await fn();
    } catch (e) {
      const code = isTtaError(e) ? e.code : `not a tta error: ${String(e)}`;
      await send({ type: "fail", op, code, ms: performance.now() - start });
      await sleep(20);
    }
  };
  while (!stopped) {
    const values = i % 3 === 0 ? [`${id}-${i}`, `${id}-${i}b`] : [`${id}-${i}`];
    i++;
    await attempt("append", async () => {
      const entries = await backend.append(
        log,
        values.map((value) => ({ value })),
      );
      await send({ type: "append", seqs: entries.map((e) => e.seq), values });
    });
    await attempt("cas", async () => {
      for (;;) {
        const current = await backend.get(counter, "counter");
        const n = ((current?.value as { n: number } | undefined)?.n ?? 0) + 1;
        try {
          const rec = await backend.put(counter, "counter", { n }, { ifVersion: current?.version ?? 0 });
          await send({ type: "cas", version: rec.version, n });
          return;
        } catch (e) {
          if (!hasErrorCode(e, "VERSION_CONFLICT")) throw e;
        }
      }
    });
  }
  await backend.close();
  await send({ type: "done" });
  process.disconnect();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
