import {
  closeSync,
  constants,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  openSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { dirname } from "node:path";
import {
  type BackendCorruptError,
  type Clock,
  type Durability,
  type RecordPage,
  type StoredRecord,
  VersionConflictError,
} from "@tta-dev/core";
import { fileIdentity, fsyncDir, isMissing, openReadWrite, writeAt, writeFileAtomic } from "./fs-utils.js";
import {
  deleteBody,
  emptyJournalState,
  type JournalState,
  liveLines,
  putBody,
  readJournalLines,
  worthCompacting,
} from "./journal-lines.js";
import { frameLine } from "./line-codec.js";
import type { LockManager } from "./lock.js";
import { isLive, pageTable, tableClear, tableDelete, tableSet, toRecord } from "./record-table.js";

/** What a record journal needs from its backend. */
export interface JournalContext {
  clock: Clock;
  durability: Exclude<Durability, "memory">;
  locks: LockManager;
}

/** The records of one scope in an append-only journal file (see {@link openRecordJournal}). */
export interface RecordJournal {
  get(key: string): StoredRecord | null;
  list(options: { prefix: string; cursor: string | null; limit: number }): RecordPage;
  put(
    key: string,
    json: string,
    ifVersion: number | undefined,
    ttlMs: number | undefined,
  ): Promise<StoredRecord>;
  delete(key: string, ifVersion: number | undefined): Promise<boolean>;
  clear(): Promise<number>;
  /** Keys physically held, live or expired. */
  heldKeys(): string[];
  close(): void;
}

/** A record journal that can also take records inside another lock (imports). */
export interface JournalFile extends RecordJournal {
  /** Write the records whose keys are absent (version 1), holding the lock synchronously; returns how many. */
  insertMissingSync(entries: readonly { key: string; json: string }[]): number;
}

const COMPACT_MIN_LINES = 256;

/**
 * A journal file `<scope>.jsonl` of framed lines (`<crc32><header>\t<value>`): a put is
 * `{"k","n","e"}` and the value, a delete `{"k","d":1}`. Every write appends one line under the
 * scope's lock; each process keeps the records in memory and, before each operation, reads only
 * what other processes appended since (one `stat`). When most lines are garbage (overwritten,
 * deleted or expired records) the journal is rewritten atomically; when no record is left the
 * file is removed. An incomplete last line is a write in progress or torn by a crash: readers skip
 * it and the next writer truncates it. Any other bad line is `BACKEND_CORRUPT` (file, line).
 *
 * @example
 * const j = openRecordJournal(".tta/ns/default/rec/sessions.jsonl", ctx);
 * await j.put("a", JSON.stringify({ x: 1 }), 0, undefined);
 */
export function openRecordJournal(path: string, ctx: JournalContext): JournalFile {
  const lockPath = `${path}.lock`;
  let fd = -1;
  let ino = "";
  let size = 0;
  let mtimeMs = -1;
  let j: JournalState = emptyJournalState();
  let corrupt: { error: BackendCorruptError; ino: string; size: number; mtimeMs: number } | null = null;

  function reset(): void {
    if (fd !== -1) closeSync(fd);
    fd = -1;
    ino = "";
    size = 0;
    mtimeMs = -1;
    j = emptyJournalState();
  }

  function refresh(): void {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch (e) {
      if (!isMissing(e)) throw e;
      corrupt = null;
      reset();
      return;
    }
    if (corrupt) {
      if (fileIdentity(st) === corrupt.ino && st.size === corrupt.size && st.mtimeMs === corrupt.mtimeMs)
        throw corrupt.error;
      corrupt = null;
      reset();
    }
    // Appends only grow the file: the same size with a new mtime means an edit in place.
    if (
      fileIdentity(st) !== ino ||
      st.size < j.consumed ||
      (st.size === j.consumed && st.mtimeMs !== mtimeMs)
    ) {
      reset();
      try {
        fd = openSync(path, constants.O_RDWR);
      } catch (e) {
        if (isMissing(e)) return;
        throw e;
      }
      st = fstatSync(fd);
      ino = fileIdentity(st);
    }
    size = st.size;
    mtimeMs = st.mtimeMs;
    if (size > j.consumed) {
      try {
        readJournalLines(path, fd, j, size);
      } catch (e) {
        const bad = e as BackendCorruptError;
        corrupt = { error: bad, ino: fileIdentity(st), size: st.size, mtimeMs: st.mtimeMs };
        reset();
        throw bad;
      }
    }
  }

  function ensureFile(): void {
    if (fd !== -1) return;
    fd = openReadWrite(path);
    const st = fstatSync(fd);
    ino = fileIdentity(st);
    size = st.size;
    if (ctx.durability === "fsync") fsyncDir(dirname(path));
  }

  function appendLine(body: string): void {
    ensureFile();
    if (size > j.consumed) ftruncateSync(fd, j.consumed); // a torn tail left by a killed writer
    const buf = Buffer.from(frameLine(body));
    writeAt(fd, buf, j.consumed);
    if (ctx.durability === "fsync") fdatasyncSync(fd);
    j.consumed += buf.length;
    size = j.consumed;
    mtimeMs = fstatSync(fd).mtimeMs;
    j.lines += 1;
  }

  function removeFile(): void {
    unlinkSync(path);
    if (ctx.durability === "fsync") fsyncDir(dirname(path));
    reset();
  }

  function compactIfWorthIt(): void {
    const now = ctx.clock.now();
    if (!worthCompacting(j, now, COMPACT_MIN_LINES)) return;
    const parts = liveLines(j.table, now);
    if (parts.length === 0) {
      removeFile();
      return;
    }
    const kept = j.table;
    writeFileAtomic(path, parts.join(""), ctx.durability === "fsync");
    reset();
    fd = openSync(path, constants.O_RDWR);
    const st = fstatSync(fd);
    ino = fileIdentity(st);
    size = st.size;
    mtimeMs = st.mtimeMs;
    j = { table: kept, consumed: st.size, lines: parts.length, garbage: 0 };
  }

  function write<T>(fn: () => T): Promise<T> {
    return ctx.locks.withLock(lockPath, () => {
      refresh();
      const result = fn();
      compactIfWorthIt();
      return result;
    });
  }

  return {
    get(key) {
      refresh();
      const cell = j.table.cells.get(key);
      return isLive(cell, ctx.clock.now()) ? toRecord(key, cell) : null;
    },

    list(options) {
      refresh();
      return pageTable(j.table, options, ctx.clock.now());
    },

    put(key, json, ifVersion, ttlMs) {
      return write(() => {
        const now = ctx.clock.now();
        const cell = j.table.cells.get(key);
        const current = isLive(cell, now) ? cell.version : 0;
        if (ifVersion !== undefined && ifVersion !== current) {
          throw new VersionConflictError(`Record "${key}"`, ifVersion, current);
        }
        const version = current + 1;
        const expiresAt = ttlMs === undefined ? null : now + ttlMs;
        appendLine(putBody(key, version, expiresAt, json));
        if (cell) j.garbage += 1;
        tableSet(j.table, key, { json, version, expiresAt });
        return { key, value: JSON.parse(json), version, expiresAt };
      });
    },

    delete(key, ifVersion) {
      return write(() => {
        const cell = j.table.cells.get(key);
        const live = isLive(cell, ctx.clock.now());
        const current = live ? cell.version : 0;
        if (ifVersion !== undefined && ifVersion !== current) {
          throw new VersionConflictError(`Record "${key}"`, ifVersion, current);
        }
        if (!cell) return false;
        tableDelete(j.table, key);
        if (j.table.cells.size === 0) removeFile();
        else {
          appendLine(deleteBody(key));
          j.garbage += 2;
        }
        return live;
      });
    },

    clear() {
      return write(() => {
        const now = ctx.clock.now();
        let n = 0;
        for (const c of j.table.cells.values()) if (isLive(c, now)) n++;
        if (fd !== -1) removeFile();
        tableClear(j.table);
        return n;
      });
    },

    insertMissingSync(entries) {
      return ctx.locks.withLockSync(lockPath, () => {
        refresh();
        const now = ctx.clock.now();
        let n = 0;
        for (const { key, json } of entries) {
          if (isLive(j.table.cells.get(key), now)) continue;
          if (j.table.cells.has(key)) j.garbage += 1;
          appendLine(putBody(key, 1, null, json));
          tableSet(j.table, key, { json, version: 1, expiresAt: null });
          n++;
        }
        return n;
      });
    },

    heldKeys() {
      refresh();
      return [...j.table.cells.keys()];
    },

    close() {
      reset();
    },
  };
}
