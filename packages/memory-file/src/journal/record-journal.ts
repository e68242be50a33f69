import {
  type BackendCorruptError,
  type Clock,
  type Durability,
  type RecordPage,
  type StoredRecord,
  VersionConflictError,
} from "@tta-dev/core";
import { corruptError } from "../corrupt.js";
import type { LockManager } from "../lock/lock.js";
import { type Damage, markDamaged } from "./journal-damage.js";
import { openJournalHandle } from "./journal-handle.js";
import { deleteBody, type JournalState, putBody } from "./journal-lines.js";
import { type Cell, isLive, pageTable, tableClear, tableDelete, tableSet, toRecord } from "./record-table.js";

/** What a record journal needs from its backend. */
export interface JournalContext {
  clock: Clock;
  durability: Exclude<Durability, "memory">;
  locks: LockManager;
}

/** The records of one scope in an append-only journal file (see {@link openRecordJournal}). */
export interface RecordJournal {
  get(key: string): StoredRecord | null | Promise<StoredRecord | null>;
  /** `get` of each key, against one look at the file (one `stat`, not one per key). */
  getMany(keys: readonly string[]): Promise<(StoredRecord | null)[]>;
  list(options: { prefix: string; cursor: string | null; limit: number }): RecordPage | Promise<RecordPage>;
  put(
    key: string,
    json: string,
    ifVersion: number | undefined,
    ttlMs: number | undefined,
  ): Promise<StoredRecord>;
  delete(key: string, ifVersion: number | undefined): Promise<boolean>;
  clear(): Promise<number>;
  /** Keys physically held, live, expired or damaged. */
  heldKeys(): string[];
  close(): void;
}

/** A record journal that can also take records inside another lock (imports). */
/** A synchronous read for a caller that holds the journal's lock (a conditional append). */
export interface LockedReads {
  /** One record as the file holds it now (read whole the first time, then only what others appended). */
  getLocked(key: string): StoredRecord | null;
}

export interface JournalFile extends RecordJournal, LockedReads {
  /** Write the records whose keys are absent (version 1), holding the lock synchronously; returns how many. */
  insertMissingSync(entries: readonly { key: string; json: string }[]): number;
}

/**
 * A journal file `<scope>.jsonl` of framed lines (`<crc32><header>\t<value>`): a put is
 * `{"k","n","e"}` and the value, a delete `{"k","d":1}`. Every write appends one line under the
 * scope's lock; each process keeps the records in memory and, before each operation, reads only
 * what other processes appended since (one `stat`). When most lines are garbage (overwritten,
 * deleted or expired records) the journal is rewritten atomically; when no record is left the
 * file is removed. An incomplete last line is a write in progress or torn by a crash: readers skip
 * it and the next writer truncates it.
 *
 * A bad complete line costs only the record on it. When its key can still be read, that record is
 * damaged: `get` fails `BACKEND_CORRUPT` naming the file and line, `list` skips it, a conditional
 * write to it fails the same way and an unconditional one supersedes the bad line. Every other
 * record reads and writes normally. While a bad line is in the file it is never compacted away.
 *
 * @example
 * const j = openRecordJournal(".tta/ns/default/rec/sessions.jsonl", ctx);
 * await j.put("a", JSON.stringify({ x: 1 }), 0, undefined);
 */
export function openRecordJournal(path: string, ctx: JournalContext): JournalFile {
  const lockPath = `${path}.lock`;
  const file = openJournalHandle(path, ctx);

  function damageError(key: string, d: Damage): BackendCorruptError {
    return corruptError(
      { file: path, line: d.line, ...(d.offset !== undefined ? { offset: d.offset } : {}) },
      `record ${JSON.stringify(key)}: ${d.reason}`,
      { key },
    );
  }

  /** A cell whose value turns out not to parse becomes damaged (found lazily: loading parses no value). */
  function spoiled(j: JournalState, key: string, cell: Cell): Damage {
    tableDelete(j.table, key);
    markDamaged(j.table, j.damaged, key, { line: cell.line, reason: "value is not JSON" }, cell.version);
    return j.damaged.get(key)!;
  }

  function read(j: JournalState, key: string): StoredRecord | null {
    const d = j.damaged.size > 0 ? j.damaged.get(key) : undefined;
    if (d) throw damageError(key, d);
    const cell = j.table.cells.get(key);
    if (!isLive(cell, ctx.clock.now())) return null;
    try {
      return toRecord(key, cell);
    } catch {
      throw damageError(key, spoiled(j, key, cell));
    }
  }

  /** The version a write compares `ifVersion` with; a damaged record has none that can be trusted. */
  function versionFor(j: JournalState, key: string, ifVersion: number | undefined): number {
    const d = j.damaged.size > 0 ? j.damaged.get(key) : undefined;
    if (d) {
      if (ifVersion !== undefined) throw damageError(key, d);
      return d.version;
    }
    const cell = j.table.cells.get(key);
    const current = isLive(cell, ctx.clock.now()) ? cell.version : 0;
    if (ifVersion !== undefined && ifVersion !== current) {
      throw new VersionConflictError(`Record "${key}"`, ifVersion, current);
    }
    return current;
  }

  async function write<T>(fn: (j: JournalState) => T): Promise<T> {
    // Read whole before the lock, in steps: under it, only what others appended since is read.
    await file.load();
    return ctx.locks.withLock(lockPath, () => {
      const result = fn(file.current());
      file.compactIfWorthIt();
      file.maintainIndex();
      return result;
    });
  }

  /** A point read through the index, when it can answer and the value parses; else `undefined`. */
  function pointRead(key: string): StoredRecord | null | undefined {
    const cell = file.point(key);
    if (cell === null || cell === undefined) return cell;
    if (!isLive(cell, ctx.clock.now())) return null;
    try {
      return toRecord(key, cell);
    } catch {
      return undefined; // read whole, it reports the damage as any process does
    }
  }

  function dropDamage(j: JournalState, key: string): boolean {
    return j.damaged.size > 0 && j.damaged.delete(key);
  }

  return {
    async get(key) {
      if (!file.loaded()) {
        const found = pointRead(key);
        if (found !== undefined) return found;
        await file.load();
      }
      return read(file.current(), key);
    },

    async getMany(keys) {
      if (!file.loaded()) {
        const found = keys.map(pointRead);
        if (!found.includes(undefined)) return found as (StoredRecord | null)[];
        await file.load();
      }
      const j = file.current();
      return keys.map((key) => read(j, key));
    },

    async list(options) {
      await file.load();
      const j = file.current();
      return pageTable(j.table, options, ctx.clock.now(), (key, cell) => spoiled(j, key, cell));
    },

    put(key, json, ifVersion, ttlMs) {
      return write((j) => {
        const now = ctx.clock.now();
        const version = versionFor(j, key, ifVersion) + 1;
        const expiresAt = ttlMs === undefined ? null : now + ttlMs;
        const len = file.appendLine(putBody(key, version, expiresAt, json));
        if (j.table.cells.has(key)) j.garbage += 1;
        dropDamage(j, key);
        tableSet(j.table, key, { json, version, expiresAt, line: j.lines, pos: j.consumed - len, len });
        return { key, value: JSON.parse(json), version, expiresAt };
      });
    },

    delete(key, ifVersion) {
      return write((j) => {
        const current = versionFor(j, key, ifVersion);
        const damaged = dropDamage(j, key);
        if (!damaged && !j.table.cells.has(key)) return false;
        tableDelete(j.table, key);
        if (j.table.cells.size === 0 && j.damaged.size === 0 && j.bad.length === 0) file.removeFile();
        else {
          file.appendLine(deleteBody(key));
          j.garbage += 2;
        }
        return damaged || current > 0;
      });
    },

    clear() {
      return write((j) => {
        const now = ctx.clock.now();
        let n = 0;
        for (const c of j.table.cells.values()) if (isLive(c, now)) n++;
        if (j.bad.length === 0) file.removeFile();
        else {
          // Removing the file would drop its bad lines: end every record with a delete line instead.
          for (const key of [...j.table.cells.keys(), ...j.damaged.keys()]) {
            file.appendLine(deleteBody(key));
            j.garbage += 2;
          }
          j.damaged.clear();
        }
        tableClear(j.table);
        return n;
      });
    },

    getLocked(key) {
      return read(file.current(), key);
    },

    insertMissingSync(entries) {
      return ctx.locks.withLockSync(lockPath, () => {
        const j = file.current();
        const now = ctx.clock.now();
        let n = 0;
        for (const { key, json } of entries) {
          // A damaged record exists, even if it cannot be read: an import never replaces it.
          if (isLive(j.table.cells.get(key), now) || j.damaged.has(key)) continue;
          if (j.table.cells.has(key)) j.garbage += 1;
          const len = file.appendLine(putBody(key, 1, null, json));
          const at = { line: j.lines, pos: j.consumed - len, len };
          tableSet(j.table, key, { json, version: 1, expiresAt: null, ...at });
          n++;
        }
        return n;
      });
    },

    heldKeys() {
      const j = file.current();
      return [...j.table.cells.keys(), ...j.damaged.keys()];
    },

    close() {
      file.reset();
    },
  };
}
