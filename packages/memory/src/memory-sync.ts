import {
  type LogEntry,
  type MemoryBackend,
  memoriesScope,
  memoryChangesScope,
  parseStored,
} from "@tta-dev/core";
import { z } from "zod";
import type { MemoryContext } from "./context.js";
import { MemoryIndex } from "./memory-index.js";
import { toMemory } from "./records.js";

const MemoryChangeValue = z.object({ id: z.string(), op: z.enum(["put", "delete"]) });
const LIST_PAGE = 1000;
const LOG_PAGE = 10_000;
const GET_MANY_CHUNK = 1000;

/** What the last build or refresh did, for benchmarks and diagnostics. */
export interface IndexSyncStats {
  builds: number;
  refreshes: number;
  lastBuildMs: number;
  /** Of `lastBuildMs`, the time spent waiting for the backend's `list` pages. */
  lastBuildReadMs: number;
  lastRefreshMs: number;
  lastRefreshChanges: number;
  seenSeq: number;
}

/** Keeps a process's memory index in step with the store. */
export interface IndexSync {
  /** The index, current with every memory write that completed before this call. */
  fresh(): Promise<MemoryIndex>;
  /** Drop the index; the next `fresh()` rebuilds it from the store. */
  reset(): void;
  readonly stats: Readonly<IndexSyncStats>;
}

/**
 * Build the index on first use by paging `list` over the memories, then keep it fresh from the
 * `memory-changes` log: each `fresh()` costs one round trip when nothing moved (`logLength` and the new
 * entries, batched), plus one `getMany` per 1000 changed ids. Concurrent callers share a refresh, but a
 * refresh never serves a caller that asked after it started reading.
 */
export function createIndexSync(ctx: MemoryContext): IndexSync {
  const { backend, namespace } = ctx;
  const changes = memoryChangesScope(namespace);
  const memories = memoriesScope(namespace);
  const index = new MemoryIndex();
  const stats: IndexSyncStats = {
    builds: 0,
    refreshes: 0,
    lastBuildMs: 0,
    lastBuildReadMs: 0,
    lastRefreshMs: 0,
    lastRefreshChanges: 0,
    seenSeq: 0,
  };
  let built = false;
  let requested = 0;
  let completed = 0;
  let chain: Promise<void> = Promise.resolve();

  async function build(): Promise<void> {
    const started = performance.now();
    index.clear();
    // The log length is read first: every change at or below it finished its put before we list.
    const length = await backend.logLength(changes);
    let cursor: string | undefined;
    let readMs = 0;
    do {
      const asked = performance.now();
      const page = await backend.list(memories, { limit: LIST_PAGE, ...(cursor ? { cursor } : {}) });
      readMs += performance.now() - asked;
      for (const record of page.items) index.upsert(toMemory(namespace, record));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    stats.seenSeq = length;
    stats.builds++;
    stats.lastBuildMs = performance.now() - started;
    stats.lastBuildReadMs = readMs;
    built = true;
  }

  async function refresh(): Promise<void> {
    const started = performance.now();
    const [length, first] = (await backend.batch([
      { op: "logLength", scope: changes },
      { op: "readLog", scope: changes, options: { afterSeq: stats.seenSeq, limit: LOG_PAGE } },
    ])) as [number, LogEntry[]];
    if (length < stats.seenSeq) return build(); // the log was reset: start over
    if (length === stats.seenSeq) return;
    const ids = new Set<string>();
    let last = stats.seenSeq;
    let entries = first;
    for (;;) {
      for (const entry of entries) {
        const change = parseStored(
          MemoryChangeValue,
          entry.value,
          `namespace "${namespace}", memory-changes seq ${entry.seq}`,
        );
        ids.add(change.id);
        last = Math.max(last, entry.seq);
      }
      if (last >= length || entries.length === 0) break;
      entries = await backend.readLog(changes, { afterSeq: last, limit: LOG_PAGE });
    }
    await apply(backend, [...ids]);
    stats.seenSeq = last;
    stats.refreshes++;
    stats.lastRefreshChanges = ids.size;
    stats.lastRefreshMs = performance.now() - started;
  }

  async function apply(store: MemoryBackend, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += GET_MANY_CHUNK) {
      const chunk = ids.slice(i, i + GET_MANY_CHUNK);
      const records = await store.getMany(memories, chunk);
      chunk.forEach((id, j) => {
        const record = records[j];
        if (record) index.upsert(toMemory(namespace, record));
        else index.remove(id);
      });
    }
  }

  return {
    stats,
    reset() {
      built = false;
    },
    async fresh() {
      const ticket = ++requested;
      const run = chain.then(async () => {
        if (completed >= ticket) return;
        const covers = requested;
        await (built ? refresh() : build());
        completed = covers;
      });
      chain = run.catch(() => undefined);
      await run;
      return index;
    },
  };
}
