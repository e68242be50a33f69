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
import { corruptError } from "./corrupt.js";
import {
  fileIdentity,
  fsyncDir,
  isMissing,
  openReadWrite,
  readAt,
  writeAt,
  writeFileAtomic,
} from "./fs-utils.js";
import { decodeLine, frameLine, lineBody, NEWLINE } from "./line-codec.js";
import type { LockManager } from "./lock.js";
import {
  createRecordTable,
  isLive,
  pageTable,
  type RecordTable,
  tableClear,
  tableDelete,
  tableSet,
  toRecord,
} from "./record-table.js";

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

const CHUNK = 8 << 20;
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
  let consumed = 0;
  let size = 0;
  let mtimeMs = -1;
  let lines = 0;
  let garbage = 0;
  let table: RecordTable = createRecordTable();
  let corrupt: { error: BackendCorruptError; ino: string; size: number; mtimeMs: number } | null = null;

  function reset(): void {
    if (fd !== -1) closeSync(fd);
    fd = -1;
    ino = "";
    consumed = 0;
    size = 0;
    mtimeMs = -1;
    lines = 0;
    garbage = 0;
    table = createRecordTable();
  }

  function apply(header: Record<string, unknown>, valueJson: string | undefined, bulk: boolean): boolean {
    const key = header.k;
    if (typeof key !== "string") return false;
    if (header.d === 1) {
      if (tableDelete(table, key)) garbage += 2;
      else garbage += 1;
      return true;
    }
    const n = header.n;
    const e = header.e;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1) return false;
    if (e !== null && (typeof e !== "number" || !Number.isFinite(e))) return false;
    if (valueJson === undefined) return false;
    if (table.cells.has(key)) garbage += 1;
    tableSet(table, key, { json: valueJson, version: n, expiresAt: e }, bulk);
    return true;
  }

  function readNew(upTo: number): void {
    const bulk = upTo - consumed > 1 << 20;
    let chunk = CHUNK;
    while (consumed < upTo) {
      const want = Math.min(chunk, upTo - consumed);
      const buf = readAt(fd, consumed, want);
      let start = 0;
      for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
        const line = decodeLine(buf, start, nl);
        if (line === null || !apply(line.header, line.valueJson, bulk)) {
          throw corruptError(
            { file: path, line: lines + 1, offset: consumed + start },
            "bad checksum or record header",
          );
        }
        lines += 1;
        start = nl + 1;
      }
      consumed += start;
      if (buf.length < want) return;
      if (start === 0) {
        if (want === upTo - consumed) return; // an incomplete last line: in progress or torn
        chunk *= 2;
      }
    }
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
    if (fileIdentity(st) !== ino || st.size < consumed || (st.size === consumed && st.mtimeMs !== mtimeMs)) {
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
    if (size > consumed) {
      try {
        readNew(size);
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
    if (size > consumed) ftruncateSync(fd, consumed); // a torn tail left by a killed writer
    const buf = Buffer.from(frameLine(body));
    writeAt(fd, buf, consumed);
    if (ctx.durability === "fsync") fdatasyncSync(fd);
    consumed += buf.length;
    size = consumed;
    mtimeMs = fstatSync(fd).mtimeMs;
    lines += 1;
  }

  function removeFile(): void {
    unlinkSync(path);
    if (ctx.durability === "fsync") fsyncDir(dirname(path));
    reset();
  }

  function compactIfWorthIt(): void {
    if (lines < COMPACT_MIN_LINES) return;
    const now = ctx.clock.now();
    let expired = 0;
    if (garbage * 2 <= lines) {
      if (lines % 64 !== 0) return;
      for (const c of table.cells.values()) if (!isLive(c, now)) expired++;
      if ((garbage + expired) * 2 <= lines) return;
    }
    const parts: string[] = [];
    for (const [key, c] of table.cells) {
      if (!isLive(c, now)) {
        tableDelete(table, key);
        continue;
      }
      parts.push(
        frameLine(lineBody(`{"k":${JSON.stringify(key)},"n":${c.version},"e":${c.expiresAt}}`, c.json)),
      );
    }
    if (parts.length === 0) {
      removeFile();
      return;
    }
    const text = parts.join("");
    const kept = table;
    writeFileAtomic(path, text, ctx.durability === "fsync");
    reset();
    table = kept;
    fd = openSync(path, constants.O_RDWR);
    const st = fstatSync(fd);
    ino = fileIdentity(st);
    size = consumed = st.size;
    mtimeMs = st.mtimeMs;
    lines = parts.length;
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
      const cell = table.cells.get(key);
      return isLive(cell, ctx.clock.now()) ? toRecord(key, cell) : null;
    },

    list(options) {
      refresh();
      return pageTable(table, options, ctx.clock.now());
    },

    put(key, json, ifVersion, ttlMs) {
      return write(() => {
        const now = ctx.clock.now();
        const cell = table.cells.get(key);
        const current = isLive(cell, now) ? cell.version : 0;
        if (ifVersion !== undefined && ifVersion !== current) {
          throw new VersionConflictError(`Record "${key}"`, ifVersion, current);
        }
        const version = current + 1;
        const expiresAt = ttlMs === undefined ? null : now + ttlMs;
        appendLine(lineBody(`{"k":${JSON.stringify(key)},"n":${version},"e":${expiresAt}}`, json));
        if (cell) garbage += 1;
        tableSet(table, key, { json, version, expiresAt });
        return { key, value: JSON.parse(json), version, expiresAt };
      });
    },

    delete(key, ifVersion) {
      return write(() => {
        const cell = table.cells.get(key);
        const live = isLive(cell, ctx.clock.now());
        const current = live ? cell.version : 0;
        if (ifVersion !== undefined && ifVersion !== current) {
          throw new VersionConflictError(`Record "${key}"`, ifVersion, current);
        }
        if (!cell) return false;
        tableDelete(table, key);
        if (table.cells.size === 0) removeFile();
        else {
          appendLine(`{"k":${JSON.stringify(key)},"d":1}`);
          garbage += 2;
        }
        return live;
      });
    },

    clear() {
      return write(() => {
        const now = ctx.clock.now();
        let n = 0;
        for (const c of table.cells.values()) if (isLive(c, now)) n++;
        if (fd !== -1) removeFile();
        tableClear(table);
        return n;
      });
    },

    insertMissingSync(entries) {
      return ctx.locks.withLockSync(lockPath, () => {
        refresh();
        const now = ctx.clock.now();
        let n = 0;
        for (const { key, json } of entries) {
          if (isLive(table.cells.get(key), now)) continue;
          if (table.cells.has(key)) garbage += 1;
          appendLine(lineBody(`{"k":${JSON.stringify(key)},"n":1,"e":null}`, json));
          tableSet(table, key, { json, version: 1, expiresAt: null });
          n++;
        }
        return n;
      });
    },

    heldKeys() {
      refresh();
      return [...table.cells.keys()];
    },

    close() {
      reset();
    },
  };
}
