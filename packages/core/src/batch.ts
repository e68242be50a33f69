import { checkBatchReads } from "./batch-check.js";
import type { BatchRead, BatchResult, MemoryBackend } from "./port.js";

/**
 * Run a batch one read after another through the backend's own methods: the `batch` of a backend
 * that has no cheaper way (a local store has no round trips to save). Every op is checked before
 * any runs.
 *
 * @example
 * const backend: MemoryBackend = { …, batch: (reads) => runBatchSequentially(backend, reads) };
 */
export async function runBatchSequentially(
  backend: Pick<MemoryBackend, "get" | "getMany" | "list" | "readLog" | "logLength">,
  reads: readonly BatchRead[],
): Promise<BatchResult[]> {
  checkBatchReads(reads);
  const out: BatchResult[] = [];
  for (const r of reads) {
    switch (r.op) {
      case "get":
        out.push(await backend.get(r.scope, r.key));
        break;
      case "getMany":
        out.push(await backend.getMany(r.scope, r.keys));
        break;
      case "list":
        out.push(await backend.list(r.scope, r.options));
        break;
      case "readLog":
        out.push(await backend.readLog(r.scope, r.options));
        break;
      case "logLength":
        out.push(await backend.logLength(r.scope));
        break;
    }
  }
  return out;
}
