/**
 * A child process that appends to one log as its only writer, each entry's value being the seq it
 * gets (batches of 1 to 4), until `TTA_APPENDS` entries are there. Env: TTA_REDIS_URL, TTA_NS.
 */
import { messagesScope } from "@tta-dev/core";
import { createBackend } from "./child-backend.js";

const backend = await createBackend();
const scope = messagesScope(process.env.TTA_NS!, "log");
const total = Number(process.env.TTA_APPENDS ?? 2000);
let next = (await backend.logLength(scope)) + 1;
while (next <= total) {
  const n = Math.min(1 + (next % 4), total - next + 1);
  const entries = await backend.append(
    scope,
    Array.from({ length: n }, (_, i) => ({ value: next + i })),
  );
  if (entries.some((e, i) => e.seq !== next + i)) throw new Error("append-worker: another writer on the log");
  next += n;
}
await backend.close();
