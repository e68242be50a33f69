import {
  type LogEntry,
  memoriesScope,
  memoryChangesScope,
  parseStored,
  type StoredRecord,
} from "@tta-dev/core";
import { z } from "zod";
import type { MemoryContext } from "./context.js";
import { encodeSegmentSliced, type PendingIntent, runSliced, Slicer } from "./index-segment.js";
import { MemoryIndex } from "./memory-index.js";
import { toMemory } from "./records.js";
import { decodeSegmentSliced } from "./segment-decode.js";

const MemoryChangeValue = z.object({
  id: z.string(),
  op: z.enum(["put", "delete"]),
  base: z.number().int().min(0).optional(),
  at: z.number().finite().optional(),
});
const LIST_PAGE = 1000;
const LOG_PAGE = 10_000;
const GET_MANY_CHUNK = 1000;
const RECENT_PAGE = 1000;
const RECENT_PAGES = 20;

/**
 * How long (ms) a reader keeps checking a memory write that was announced but is not visible yet. A
 * writer announces, then writes at once; a writer that took longer than half of this announces again
 * once done, so a slow write is not missed either.
 */
export const PENDING_WINDOW_MS = 120_000;

/** The name of the persisted index among a backend's derived data. */
export const INDEX_SEGMENT_NAME = "memory-index";
/**
 * Changes over the persisted index that were written at least this long ago (ms, by the store's clock)
 * are persisted by the next refresh of any process.
 */
export const PERSIST_INTERVAL_MS = 10_000;
/** A refresh persists at once when the index has at least this many changes over its persisted base… */
export const PERSIST_MIN_CHANGES = 1000;
/** …and at least this share of the index's size. */
export const PERSIST_SHARE = 0.01;

/**
 * How many changes over the persisted base make a refresh rewrite the persisted index at once. Writing
 * costs in proportion to the whole index (about 1 s and 60 MB at 100k memories) while each change saves
 * the next process only its catch-up of one memory, so a short-lived process that catches up a few
 * changes must not pay for it: with 1 % of the size the rewriting work per change stays bounded (each
 * persist is paid for by size / 100 changes), and what a fresh process catches up stays a small part
 * of the loaded index; the floor of 1000 keeps a small index from being rewritten every few writes
 * (catching up 1000 changes costs a fresh process tens of milliseconds).
 */
export function persistThreshold(size: number, options: IndexSyncOptions = {}): number {
  const min = options.persistMinChanges ?? PERSIST_MIN_CHANGES;
  const share = options.persistShare ?? PERSIST_SHARE;
  return Math.max(1, min, Math.ceil(size * share));
}

/**
 * After writing the persisted index, a process trims the memory-changes log (where the backend can,
 * `trimLog`) once at least this many entries lie below the trim point…
 */
export const TRIM_MIN_ENTRIES = 50_000;
/**
 * …which is at most the persisted index's seq (its anchor entry stays) and keeps every entry announced
 * within this long (ms): twice the pending window, so a build still finds every recent announcement
 * however the writers' clocks differ.
 */
export const TRIM_KEEP_MS = 2 * PENDING_WINDOW_MS;

/** When {@link createIndexSync} rewrites the persisted index after a refresh (defaults above). */
export interface IndexSyncOptions {
  persistMinChanges?: number;
  persistShare?: number;
  persistIntervalMs?: number;
  trimMinEntries?: number;
  trimKeepMs?: number;
}
/*
 * A server's event loop is never held for long: building, loading (checksum, decoding, copying the
 * columns), catching up and persisting give it a turn every few milliseconds ({@link Slicer}), even
 * over a backend whose calls resolve without I/O; a search does too (see `searchSteps`), inside
 * {@link IndexSync.read} so that no refresh changes the index while it is stopped.
 */

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
  /** Memories announced by a writer whose write this process has not seen land yet. */
  pending: number;
  /** Persisted indexes loaded (and then caught up) instead of building. */
  loads: number;
  /** Why the last persisted index found was not used (`missing` when there was none). */
  lastRejected: string | null;
  lastLoadMs: number;
  /** Persisted indexes written by this process. */
  persists: number;
  lastPersistMs: number;
  lastPersistBytes: number;
  /** The last failure to write the persisted index (searches go on without it). */
  lastPersistError: string | null;
  /** Trims of the memory-changes log made by this process, and how many entries the last removed. */
  trims: number;
  lastTrimmed: number;
  /** The last failure to trim the log (nothing is lost: the next persist tries again). */
  lastTrimError: string | null;
  /** Times this process found the log trimmed past what its index had seen, and caught up anew. */
  trimmedPast: number;
}

/** Keeps a process's memory index in step with the store. */
export interface IndexSync {
  /** The index, current with every memory write that completed before this call. */
  fresh(): Promise<MemoryIndex>;
  /**
   * Run `use` over the fresh index before any later refresh may change it: a search that gives the
   * event loop turns sees one index throughout.
   */
  read<T>(use: (index: MemoryIndex) => T | Promise<T>): Promise<T>;
  /** Drop the index; the next `fresh()` rebuilds it from the store. */
  reset(): void;
  readonly stats: Readonly<IndexSyncStats>;
}

/** A write announced in the memory-changes log: `base` is the version it starts from. */
interface Intent {
  op: "put" | "delete";
  base: number | undefined;
  at: number;
}

/** Whether the record shows the announced write (an announcement without `base` is of a done write). */
function landed(intent: Intent, record: StoredRecord | null): boolean {
  if (intent.base === undefined) return true;
  if (intent.op === "delete") return record === null;
  return record !== null && record.version > intent.base;
}

/**
 * Build the index on first use by paging `list` over the memories, then keep it fresh from the
 * `memory-changes` log, whose entries writers append *before* each write. Each `fresh()` costs one
 * round trip when nothing moved (`logLength` and the new entries, batched), plus one `getMany` per
 * 1000 changed ids. An announced write whose record does not show it yet (the writer is between its
 * two writes, or died there) stays pending: its record is read again on every refresh for
 * {@link PENDING_WINDOW_MS}, so every process ends with the same memories whichever of the two writes
 * failed. Concurrent callers share a refresh, but a refresh never serves a caller that asked after it
 * started reading.
 */
export function createIndexSync(ctx: MemoryContext, options: IndexSyncOptions = {}): IndexSync {
  const { backend, namespace, clock } = ctx;
  const changes = memoryChangesScope(namespace);
  const memories = memoriesScope(namespace);
  const index = new MemoryIndex(ctx.analyzer);
  const pending = new Map<string, Intent[]>();
  const stats: IndexSyncStats = {
    builds: 0,
    refreshes: 0,
    lastBuildMs: 0,
    lastBuildReadMs: 0,
    lastRefreshMs: 0,
    lastRefreshChanges: 0,
    seenSeq: 0,
    pending: 0,
    loads: 0,
    lastRejected: null,
    lastLoadMs: 0,
    persists: 0,
    lastPersistMs: 0,
    lastPersistBytes: 0,
    lastPersistError: null,
    trims: 0,
    lastTrimmed: 0,
    lastTrimError: null,
    trimmedPast: 0,
  };
  /** The JSON of the memory-changes entry at `seenSeq`: a reset or foreign log has another there. */
  let anchor: string | null = null;
  /** Set after loading a persisted index: the next refresh checks the anchor before trusting it. */
  let checkAnchor = false;
  const persistIntervalMs = options.persistIntervalMs ?? PERSIST_INTERVAL_MS;
  const trimMinEntries = Math.max(1, options.trimMinEntries ?? TRIM_MIN_ENTRIES);
  const trimKeepMs = options.trimKeepMs ?? TRIM_KEEP_MS;
  /** When (clock ms) the index was last loaded, built or persisted (a failed write retries after it). */
  let lastPersistAt = clock.now();
  /** When the oldest change applied over the persisted base was announced (by its writer's clock). */
  let dirtySince = Number.POSITIVE_INFINITY;
  let mayLoad = typeof backend.readDerived === "function";
  let built = false;
  let requested = 0;
  let completed = 0;
  let chain: Promise<void> = Promise.resolve();

  /** The id and intent of a log entry; `stamped` is false for entries written before `at` existed. */
  function intentOf(entry: LogEntry): [string, Intent, boolean] {
    const change = parseStored(
      MemoryChangeValue,
      entry.value,
      `namespace "${namespace}", memory-changes seq ${entry.seq}`,
    );
    return [
      change.id,
      { op: change.op, base: change.base, at: change.at ?? clock.now() },
      change.at !== undefined,
    ];
  }

  function announced(into: Map<string, Intent[]>, id: string, intent: Intent): void {
    const list = into.get(id);
    if (list) list.push(intent);
    else into.set(id, [intent]);
  }

  /** Apply the records read for `ids` to the index and keep the intents that have not landed yet. */
  async function settle(
    ids: readonly string[],
    records: (StoredRecord | null)[],
    fresh: Map<string, Intent[]>,
    slicer: Slicer,
  ): Promise<void> {
    const now = clock.now();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const record = records[i] ?? null;
      if (record) index.upsert(toMemory(namespace, record));
      else index.remove(id);
      const open = [...(pending.get(id) ?? []), ...(fresh.get(id) ?? [])].filter(
        (intent) => !landed(intent, record) && now - intent.at < PENDING_WINDOW_MS,
      );
      if (open.length) pending.set(id, open);
      else pending.delete(id);
      if (slicer.due()) await slicer.pause();
    }
    stats.pending = pending.size;
  }

  async function readRecords(ids: readonly string[], slicer: Slicer): Promise<(StoredRecord | null)[]> {
    const out: (StoredRecord | null)[] = [];
    for (let i = 0; i < ids.length; i += GET_MANY_CHUNK) {
      out.push(...(await backend.getMany(memories, ids.slice(i, i + GET_MANY_CHUNK))));
      // A backend that answers from memory resolves at once: many chunks would not let a server breathe.
      if (slicer.due()) await slicer.pause();
    }
    return out;
  }

  /** Announcements of the last {@link PENDING_WINDOW_MS} at or below seq `length`. */
  async function recentIntents(length: number, slicer: Slicer): Promise<Map<string, Intent[]>> {
    const found = new Map<string, Intent[]>();
    const cutoff = clock.now() - PENDING_WINDOW_MS;
    let before = length + 1;
    for (let page = 0; page < RECENT_PAGES && before > 1; page++) {
      const entries = await backend.readLog(changes, {
        beforeSeq: before,
        limit: RECENT_PAGE,
        fromEnd: true,
      });
      for (let i = entries.length - 1; i >= 0; i--) {
        const [id, intent, stamped] = intentOf(entries[i]!);
        if (!stamped || intent.at < cutoff) return found;
        if (intent.base !== undefined) announced(found, id, intent);
        if (slicer.due()) await slicer.pause();
      }
      if (entries.length === 0) break;
      before = entries[0]!.seq;
    }
    return found;
  }

  async function build(): Promise<void> {
    const started = performance.now();
    const slicer = new Slicer();
    pending.clear();
    // The log length is read first: every change at or below it was announced before we list.
    const length = await backend.logLength(changes);
    anchor = length > 0 ? await anchorAt(length) : null;
    index.reset();
    let cursor: string | undefined;
    let readMs = 0;
    do {
      const asked = performance.now();
      const page = await backend.list(memories, { limit: LIST_PAGE, ...(cursor ? { cursor } : {}) });
      readMs += performance.now() - asked;
      for (const record of page.items) {
        index.upsert(toMemory(namespace, record));
        // A server goes on answering while a large index is built.
        if (slicer.due()) await slicer.pause();
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    // A write announced just before the list may have landed after its page was read.
    const recent = await recentIntents(length, slicer);
    if (recent.size) {
      const ids = [...recent.keys()];
      await settle(ids, await readRecords(ids, slicer), recent, slicer);
    }
    stats.seenSeq = length;
    stats.builds++;
    stats.lastBuildMs = performance.now() - started;
    stats.lastBuildReadMs = readMs;
    built = true;
    await persist();
  }

  async function anchorAt(seq: number): Promise<string | null> {
    const [entry] = await backend.readLog(changes, { afterSeq: seq - 1, limit: 1 });
    return entry && entry.seq === seq ? JSON.stringify(entry.value) : null;
  }

  /** Use the persisted index if it is sound and of this namespace; false when it cannot be. */
  async function load(): Promise<boolean> {
    const started = performance.now();
    const bytes = await backend.readDerived!(namespace, INDEX_SEGMENT_NAME).catch((error: unknown) => {
      stats.lastRejected = `unreadable: ${(error as Error).message}`;
      return undefined;
    });
    if (bytes === undefined) return false;
    if (bytes === null) {
      stats.lastRejected = "missing";
      return false;
    }
    const buf = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const slicer = new Slicer();
    const decoded = await decodeSegmentSliced(buf, namespace, true, slicer, index.analyzer.id);
    if (!decoded.ok) {
      stats.lastRejected = decoded.reason;
      ctx.logger?.warn("memory index: the persisted index is not usable; rebuilding it", {
        namespace,
        reason: decoded.reason,
      });
      return false;
    }
    const { state } = decoded.segment;
    await runSliced(index.resetSteps(decoded.segment), slicer);
    dirtySince = Number.POSITIVE_INFINITY;
    pending.clear();
    for (const p of state.pending) announced(pending, p.id, { op: p.op, base: p.base, at: p.at });
    stats.pending = pending.size;
    stats.seenSeq = state.seenSeq;
    anchor = state.anchor;
    checkAnchor = true;
    stats.loads++;
    stats.lastRejected = null;
    stats.lastLoadMs = performance.now() - started;
    lastPersistAt = clock.now();
    built = true;
    return true;
  }

  /** Write the index for the next process (derived data: a failure is recorded, never thrown). */
  async function persist(): Promise<void> {
    if (typeof backend.writeDerived !== "function" || stats.seenSeq === 0 || anchor === null) return;
    const started = performance.now();
    const slicer = new Slicer();
    try {
      const list: PendingIntent[] = [];
      for (const [id, intents] of pending) for (const i of intents) list.push({ id, ...i });
      // The index does not change meanwhile: every caller of `fresh()` waits for this refresh.
      const input = await runSliced(
        index.snapshotSteps({ namespace, seenSeq: stats.seenSeq, anchor, pending: list }),
        slicer,
      );
      const bytes = await encodeSegmentSliced(input, slicer);
      await backend.writeDerived(namespace, INDEX_SEGMENT_NAME, bytes);
      // Carry on from what was written: the same memories, compacted into a base.
      const decoded = await decodeSegmentSliced(bytes, namespace, false, slicer, index.analyzer.id);
      if (decoded.ok) {
        await runSliced(index.resetSteps(decoded.segment), slicer);
        dirtySince = Number.POSITIVE_INFINITY;
      }
      stats.persists++;
      stats.lastPersistBytes = bytes.length;
      stats.lastPersistError = null;
      await compact(stats.seenSeq);
    } catch (error) {
      stats.lastPersistError = (error as Error).message;
      ctx.logger?.warn("memory index: could not persist the index", {
        namespace,
        error: (error as Error).message,
      });
    }
    lastPersistAt = clock.now();
    stats.lastPersistMs = performance.now() - started;
  }

  /** When (writer's clock) the entry at `seq` was announced; -Infinity for one without a time. */
  async function announcedAt(seq: number): Promise<number | null> {
    const [entry] = await backend.readLog(changes, { afterSeq: seq - 1, limit: 1 });
    if (!entry || entry.seq !== seq) return null;
    const at = (entry.value as { at?: unknown } | null)?.at;
    return typeof at === "number" ? at : Number.NEGATIVE_INFINITY;
  }

  /**
   * Trim the memory-changes log below the persisted index's seq `upTo`, keeping the entries of the
   * last {@link TRIM_KEEP_MS}: a process whose index is older finds the gap and loads the persisted
   * index (or builds). Runs after a persist, only once {@link TRIM_MIN_ENTRIES} would go; entries are
   * in announcement order, so the newest old-enough entry is found by bisection (a few one-entry
   * reads). A failure is recorded, never thrown: the log is only longer than it needs to be.
   */
  async function compact(upTo: number): Promise<void> {
    if (typeof backend.trimLog !== "function") return;
    try {
      const [first] = await backend.readLog(changes, { limit: 1 });
      if (!first || upTo - first.seq < trimMinEntries) return;
      const cutoff = clock.now() - trimKeepMs;
      let lo = first.seq;
      let hi = upTo;
      const oldest = await announcedAt(lo);
      if (oldest === null || oldest >= cutoff) return;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        const at = await announcedAt(mid);
        if (at === null) return; // trimmed meanwhile by another process
        if (at < cutoff) lo = mid;
        else hi = mid - 1;
      }
      if (lo - first.seq < trimMinEntries) return;
      stats.lastTrimmed = await backend.trimLog(changes, lo);
      stats.trims++;
      stats.lastTrimError = null;
    } catch (error) {
      stats.lastTrimError = (error as Error).message;
      ctx.logger?.warn("memory index: could not trim the memory-changes log", {
        namespace,
        error: (error as Error).message,
      });
    }
  }

  /** The log no longer holds the entries after `seenSeq`: load the persisted index, or build. */
  async function catchUpAnew(): Promise<void> {
    stats.trimmedPast++;
    if (typeof backend.readDerived === "function" && (await load())) return refresh();
    return build();
  }

  async function refresh(): Promise<void> {
    const started = performance.now();
    const slicer = new Slicer();
    const waiting = [...pending.keys()];
    // After a load, the entry at seenSeq is read too: it must be the one the index was written at.
    const verify = checkAnchor && stats.seenSeq > 0;
    const [length, read, waitingRecords] = (await backend.batch([
      { op: "logLength", scope: changes },
      {
        op: "readLog",
        scope: changes,
        options: { afterSeq: stats.seenSeq - (verify ? 1 : 0), limit: LOG_PAGE },
      },
      ...(waiting.length ? [{ op: "getMany" as const, scope: memories, keys: waiting }] : []),
    ])) as [number, LogEntry[], (StoredRecord | null)[] | undefined];
    if (length < stats.seenSeq) return build(); // the log was reset: start over
    let first = read;
    // Trimmed past what this index has seen (another process compacted the log): catch up anew.
    if (!verify && length > stats.seenSeq && read[0]?.seq !== stats.seenSeq + 1) return catchUpAnew();
    if (verify) {
      const at = read[0];
      if (!at || at.seq !== stats.seenSeq || JSON.stringify(at.value) !== anchor) {
        stats.lastRejected = "foreign";
        ctx.logger?.warn(
          "memory index: the persisted index belongs to another memory-changes log; rebuilding it",
          {
            namespace,
          },
        );
        return build();
      }
      checkAnchor = false;
      first = read.slice(1);
    }
    if (waitingRecords) await settle(waiting, waitingRecords, new Map(), slicer);
    if (length === stats.seenSeq) {
      if (shouldPersist()) await persist();
      return;
    }
    const fresh = new Map<string, Intent[]>();
    let last = stats.seenSeq;
    let entries = first;
    for (;;) {
      for (const entry of entries) {
        const [id, intent] = intentOf(entry);
        announced(fresh, id, intent);
        if (intent.at < dirtySince) dirtySince = intent.at;
        if (entry.seq > last) {
          last = entry.seq;
          anchor = JSON.stringify(entry.value);
        }
        if (slicer.due()) await slicer.pause();
      }
      if (last >= length || entries.length === 0) break;
      entries = await backend.readLog(changes, { afterSeq: last, limit: LOG_PAGE });
    }
    const ids = [...fresh.keys()];
    await settle(ids, await readRecords(ids, slicer), fresh, slicer);
    stats.seenSeq = last;
    stats.refreshes++;
    stats.lastRefreshChanges = ids.length;
    stats.lastRefreshMs = performance.now() - started;
    if (shouldPersist()) await persist();
  }

  /**
   * After a refresh: persist when the changes over the base are many ({@link persistThreshold}), or
   * when the oldest of them was written at least the interval ago. A process that catches up a few
   * fresh changes (`memory add`, then `memory search`) does not rewrite the index, but the first one
   * after a quiet interval does, so that later processes do not each catch up (and read the changed
   * records) again; a long-running process persists at most once per interval. A failed write is
   * retried only after the interval.
   */
  function shouldPersist(): boolean {
    if (index.changes === 0) return false;
    const now = clock.now();
    if (stats.lastPersistError !== null) return now - lastPersistAt >= persistIntervalMs;
    // Changes seen only as pending writes landing have no announcement time here: count from the load.
    const since = dirtySince === Number.POSITIVE_INFINITY ? lastPersistAt : dirtySince;
    return now - since >= persistIntervalMs || index.changes >= persistThreshold(index.size, options);
  }

  async function read<T>(use: (index: MemoryIndex) => T | Promise<T>): Promise<T> {
    const ticket = ++requested;
    const run = chain.then(async () => {
      if (completed < ticket) {
        const covers = requested;
        if (!built && mayLoad) {
          mayLoad = false;
          if (await load()) {
            await refresh();
            completed = covers;
            return use(index);
          }
        }
        await (built ? refresh() : build());
        completed = covers;
      }
      return use(index);
    });
    chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  return {
    stats,
    reset() {
      built = false;
      mayLoad = false;
    },
    fresh: () => read((fresh) => fresh),
    read,
  };
}
