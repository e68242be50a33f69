import { closeSync, constants, fdatasyncSync, fstatSync, ftruncateSync, statSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import {
  type AppendedEntry,
  type BackendCorruptError,
  isTtaError,
  type LogEntry,
  type PreparedLogItem,
  planIdempotentAppend,
} from "@tta-dev/core";
import {
  fileIdentity,
  fsyncDir,
  isMissing,
  openExisting,
  openReadWrite,
  sweepTemps,
  writeAt,
} from "../fs-utils.js";
import type { JournalContext } from "../journal/record-journal.js";
import { frameLine, lineBody } from "../line-codec.js";
import { openKeyIndex } from "./key-index.js";
import { locateDamage } from "./log-damage.js";
import { LogDamage } from "./log-line.js";
import { offsetOfSeq, readBackward, readForward, scanKeys } from "./log-reader.js";
import { type LogHead, type LogTail, readHead, readTail } from "./log-tail.js";
import { replaceWithTail } from "./log-trim.js";

/** One prepared item to append: its value as JSON text (see `validateAppend`). */
export type PreparedItem = PreparedLogItem;

/** An append-only log in one file (see {@link openLogFile}). */
export interface LogFile {
  append(items: readonly PreparedItem[]): Promise<AppendedEntry[]>;
  /**
   * `append` through `admit`, which runs under the log's lock and is handed the append: it may run
   * it (inside another lock, say) or not, and returns what it got, or `null` when it did not.
   */
  appendThrough(
    items: readonly PreparedItem[],
    admit: (write: () => AppendedEntry[]) => AppendedEntry[] | null,
  ): Promise<AppendedEntry[] | null>;
  read(range: { afterSeq: number; beforeSeq: number; limit: number; fromEnd: boolean }): LogEntry[];
  length(): number;
  /** Remove the entries with seq < `beforeSeq` (see {@link trimLogFile}); returns how many went. */
  trim(beforeSeq: number): Promise<number>;
  remove(): Promise<boolean>;
  close(): void;
}

/**
 * A log as a file of framed lines `<crc32>{"s":seq,"r":left,"k":key}\t<value>`, one per entry, in
 * seq order. `r` counts the lines of the same batch that follow, so a batch torn by a crash (its
 * last line, `r` = 0, missing) is ignored as a whole. Appends take the log's lock, find the
 * committed end (cached per process and checked with one `stat`), truncate a torn tail, and write
 * the batch in one `write`. Reads take no lock: the last N entries are read backwards from the
 * committed end, other ranges after a search over byte offsets; both cost what they return.
 * Idempotency keys are indexed in memory per process and brought up to date from the new tail only.
 *
 * Seq continuity is part of validity: the committed end must follow the line before it, and a log
 * whose end does not fails `BACKEND_CORRUPT` naming the line, for reads and appends alike, until
 * `repair` sets that end aside. A damaged line in the middle fails only the reads that cross it.
 *
 * @example
 * const log = openLogFile(".tta/ns/default/log/messages/s1.jsonl", ctx);
 * await log.append([{ json: '{"text":"hi"}' }]);
 */
export function openLogFile(path: string, ctx: JournalContext): LogFile {
  const lockPath = `${path}.lock`;
  let fd = -1;
  let id = "";
  let size = -1;
  let mtimeMs = -1;
  let tail: LogTail = { validEnd: 0, lastSeq: 0 };
  /** Fixed for a file's identity: only a trim writes a marker, and it writes a new file. */
  let head: LogHead = { start: 0, trimmed: 0 };
  let keys: Map<string, number> | null = null;
  let keysEnd = 0;
  const keyIndex = openKeyIndex(path);
  /** Whether `<log>.keys` can be appended to, or must be rewritten from `keys`. */
  let indexUsable = true;
  /** Keys found by scanning the log that the index file may lack. */
  let unindexed: { key: string; seq: number }[] = [];

  function reset(): void {
    if (fd !== -1) closeSync(fd);
    fd = -1;
    id = "";
    size = -1;
    mtimeMs = -1;
    tail = { validEnd: 0, lastSeq: 0 };
    head = { start: 0, trimmed: 0 };
    keys = null;
    keysEnd = 0;
    unindexed = [];
    keyIndex.close();
  }

  /** The error of a log whose end cannot be trusted, for as long as the file stays as it was. */
  let broken: { error: BackendCorruptError; stamp: string } | null = null;
  const stampOf = (st: { size: number; mtimeMs: number }) => `${id}:${st.size}:${st.mtimeMs}`;

  /** Bring the cached view up to date; false when the log file does not exist. */
  function sync(): boolean {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch (e) {
      if (!isMissing(e)) throw e;
      reset();
      return false;
    }
    if (fileIdentity(st) !== id) {
      reset();
      const opened = openExisting(path, constants.O_RDWR);
      if (opened === null) return false;
      fd = opened;
      st = fstatSync(fd);
      id = fileIdentity(st);
      head = readHead(fd, st.size);
    }
    if (broken !== null) {
      if (broken.stamp === stampOf(st)) throw broken.error;
      broken = null;
    }
    if (st.size !== size || st.mtimeMs !== mtimeMs) {
      try {
        tail = readTail(path, fd, st.size);
      } catch (e) {
        if (isTtaError(e)) broken = { error: e as BackendCorruptError, stamp: stampOf(st) };
        throw e;
      }
      size = st.size;
      mtimeMs = st.mtimeMs;
      if (keysEnd > tail.validEnd) keys = null;
    }
    return true;
  }

  /** Run a read of the file, turning damage it meets into `BACKEND_CORRUPT` at the true line. */
  function located<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof LogDamage)) throw e;
      const found = locateDamage(path, fd, size, e);
      if (found.tailBroken) broken = { error: found.error, stamp: stampOf({ size, mtimeMs }) };
      throw found.error;
    }
  }

  /** The log's keys: from the index file, then from the part of the log it does not cover yet. */
  function ensureKeys(): Map<string, number> {
    if (keys === null) {
      keys = new Map();
      const covered = keyIndex.load(id, tail.validEnd, keys);
      indexUsable = covered >= 0;
      keysEnd = Math.max(0, covered);
      unindexed = [];
    }
    if (keysEnd < tail.validEnd) {
      const gap = new Map<string, number>();
      scanKeys(fd, keysEnd, tail.validEnd, gap);
      for (const [key, seq] of gap) {
        keys.set(key, seq);
        unindexed.push({ key, seq });
      }
      keysEnd = tail.validEnd;
    }
    return keys;
  }

  /** Bring `<log>.keys` up to the committed end (with `keys` current): append, or rewrite when untrusted. */
  function updateIndex(added: { key: string; seq: number }[]): void {
    if (keys === null || keysEnd !== tail.validEnd) return;
    if (indexUsable && unindexed.length === 0 && added.length === 0) return;
    const lines = [...unindexed, ...added];
    if (!indexUsable || !keyIndex.add(id, lines, tail.validEnd)) keyIndex.rewrite(id, keys, tail.validEnd);
    indexUsable = true;
    unindexed = [];
  }

  /** The entry a key points to; a key the entry does not carry means a wrong index: rebuild it from the log. */
  function duplicateOf(key: string): LogEntry | null {
    for (let attempt = 0; attempt < 2; attempt++) {
      const seq = ensureKeys().get(key);
      if (seq === undefined) return null;
      const e = seq > head.trimmed && seq <= tail.lastSeq ? entryOf(seq) : null;
      if (e?.idempotencyKey === key) return e;
      keyIndex.remove();
      keys = null;
    }
    return null;
  }

  function entryOf(seq: number): LogEntry {
    return located(() => readForward(fd, offsetOfSeq(fd, tail, head, seq), seq, 1, tail.validEnd)[0]!);
  }

  function read(range: { afterSeq: number; beforeSeq: number; limit: number; fromEnd: boolean }): LogEntry[] {
    if (!sync()) return [];
    const top = Math.min(tail.lastSeq, range.beforeSeq - 1);
    const first = Math.max(range.afterSeq, head.trimmed) + 1;
    if (top < first) return [];
    const lo = range.fromEnd ? Math.max(first, top - range.limit + 1) : first;
    const hi = range.fromEnd ? top : Math.min(top, first + range.limit - 1);
    const count = hi - lo + 1;
    const avgLine = (tail.validEnd - head.start) / (tail.lastSeq - head.trimmed);
    return located(() => {
      if (hi === tail.lastSeq) return readBackward(fd, tail.validEnd, hi, count, avgLine);
      if (lo === head.trimmed + 1) return readForward(fd, head.start, lo, count, tail.validEnd);
      if (range.fromEnd) return readBackward(fd, offsetOfSeq(fd, tail, head, hi + 1), hi, count, avgLine);
      return readForward(fd, offsetOfSeq(fd, tail, head, lo), lo, count, tail.validEnd);
    });
  }

  function appendLocked(items: readonly PreparedItem[]): AppendedEntry[] {
    if (!sync()) {
      fd = openReadWrite(path);
      const st = fstatSync(fd);
      id = fileIdentity(st);
      size = st.size;
      mtimeMs = st.mtimeMs;
      tail = st.size === 0 ? { validEnd: 0, lastSeq: 0 } : readTail(path, fd, st.size);
      head = st.size === 0 ? { start: 0, trimmed: 0 } : readHead(fd, st.size);
      if (ctx.durability === "fsync") fsyncDir(dirname(path));
    }
    const keyed = items.some((i) => i.idempotencyKey !== undefined);
    if (keyed) ensureKeys();
    const { entries: out, fresh } = planIdempotentAppend(items, tail.lastSeq, duplicateOf);
    if (fresh.length === 0) {
      if (keyed) updateIndex([]);
      return out;
    }
    const text = fresh
      .map((f, i) => {
        const key = f.idempotencyKey === undefined ? "" : `,"k":${JSON.stringify(f.idempotencyKey)}`;
        return frameLine(lineBody(`{"s":${f.seq},"r":${fresh.length - 1 - i}${key}}`, f.json));
      })
      .join("");
    if (size > tail.validEnd) ftruncateSync(fd, tail.validEnd); // torn by a killed writer
    const buf = Buffer.from(text);
    writeAt(fd, buf, tail.validEnd);
    if (ctx.durability === "fsync") fdatasyncSync(fd);
    const keysCurrent = keys !== null && keysEnd === tail.validEnd;
    tail = { validEnd: tail.validEnd + buf.length, lastSeq: fresh.at(-1)!.seq };
    const st = fstatSync(fd);
    size = st.size;
    mtimeMs = st.mtimeMs;
    if (keysCurrent) {
      for (const f of fresh) if (f.idempotencyKey !== undefined) keys!.set(f.idempotencyKey, f.seq);
      keysEnd = tail.validEnd;
    }
    if (keyed && keysCurrent) {
      updateIndex(
        fresh.flatMap((f) => (f.idempotencyKey === undefined ? [] : [{ key: f.idempotencyKey, seq: f.seq }])),
      );
    }
    return out;
  }

  return {
    append(items) {
      return ctx.locks.withLock(lockPath, () => appendLocked(items));
    },
    appendThrough(items, admit) {
      return ctx.locks.withLock(lockPath, () => admit(() => appendLocked(items)));
    },
    read,
    length() {
      return sync() ? tail.lastSeq : 0;
    },
    trim(beforeSeq) {
      return ctx.locks.withLock(lockPath, () => {
        if (!sync()) return 0;
        const to = Math.min(beforeSeq - 1, tail.lastSeq);
        if (to <= head.trimmed) return 0;
        const from = to === tail.lastSeq ? tail.validEnd : located(() => offsetOfSeq(fd, tail, head, to + 1));
        const removed = to - head.trimmed;
        // The index names this file; it goes first, so that no index outlives its log.
        keyIndex.remove();
        replaceWithTail(path, fd, from, tail.validEnd, to, ctx.durability === "fsync");
        reset();
        return removed;
      });
    },
    remove() {
      return ctx.locks.withLock(lockPath, () => {
        reset();
        sweepTemps(path);
        keyIndex.remove(); // before the log, so that no index outlives its log
        try {
          unlinkSync(path);
        } catch (e) {
          if (isMissing(e)) return false;
          throw e;
        }
        if (ctx.durability === "fsync") fsyncDir(dirname(path));
        return true;
      });
    },
    close: reset,
  };
}
