import { readFileSync, statSync } from "node:fs";
import type { BackendCorruptError } from "@tta-dev/core";
import {
  isSafeId,
  parseSessionName,
  type Session,
  type StoredRecord,
  toIso,
  VersionConflictError,
} from "@tta-dev/core";
import { corruptError } from "../corrupt.js";
import { fileIdentity, isMissing, writeFileAtomic } from "../fs-utils.js";
import type { JournalContext, LockedReads, RecordJournal } from "../journal/record-journal.js";
import {
  createRecordTable,
  isLive,
  pageTable,
  type RecordTable,
  tableSet,
  toRecord,
} from "../journal/record-table.js";
import {
  type BadEntry,
  emptyGroupsDoc,
  type GroupsDoc,
  legacySessions,
  parseGroupsFile,
} from "./groups-format.js";
import { serializeGroupsFile } from "./groups-serialize.js";

/** Creates the sessions a version 1.0 file only names; called under the groups lock. */
export type ImportSessions = (sessions: { key: string; json: string }[]) => void;

/** The session a version 1.0 file only names: active, created with its earliest group. */
export function sessionFor(id: string, createdAt: string): Session {
  const parts = parseSessionName(id);
  return {
    id,
    tags: [],
    status: "active",
    createdAt,
    updatedAt: createdAt,
    metadata: {},
    version: 1,
    ...(parts ?? {}),
  };
}

/**
 * The `groups` collection of a namespace as one JSON document, `session_groups.json`, in the
 * snake_case shape of the original implementation (version 2.0). Reads accept version 1.0. Every
 * write re-reads the file under its lock, applies the change and replaces the file atomically; the
 * first write to a 1.0 file creates the sessions it names and upgrades it, keeping each original
 * entry under `legacy`. A file that does not parse is `BACKEND_CORRUPT` (file, line, column) and is
 * never written over. An entry that fails validation costs only its group: reads skip it (reading
 * that group fails `BACKEND_CORRUPT` naming the entry's line, and so does writing it), and every
 * rewrite keeps the entry's text as it was.
 *
 * @example
 * const groups = openGroupsFile(".tta/session_groups.json", ctx, importSessions);
 * groups.get("feature-auth");
 */
export function openGroupsFile(
  path: string,
  ctx: JournalContext,
  importSessions: ImportSessions,
): RecordJournal & LockedReads {
  const lockPath = `${path}.lock`;
  let seen = "";
  let doc: GroupsDoc = emptyGroupsDoc();
  let table: RecordTable = createRecordTable();
  let corrupt: { error: BackendCorruptError; seen: string } | null = null;

  function load(): void {
    let stamp: string;
    try {
      const st = statSync(path);
      stamp = `${fileIdentity(st)}:${st.size}:${st.mtimeMs}`;
    } catch (e) {
      if (!isMissing(e)) throw e;
      stamp = "missing";
    }
    if (stamp === seen) return;
    if (corrupt && corrupt.seen === stamp) throw corrupt.error;
    corrupt = null;
    let next: GroupsDoc = emptyGroupsDoc();
    if (stamp !== "missing") {
      try {
        next = parseGroupsFile(path, readFileSync(path, "utf8"));
      } catch (e) {
        if (isMissing(e)) {
          load();
          return;
        }
        corrupt = { error: e as BackendCorruptError, seen: stamp };
        seen = "";
        throw e;
      }
    }
    doc = next;
    table = createRecordTable();
    for (const [k, e] of doc.entries) {
      if (doc.damaged.has(k)) continue; // which of its entries is right cannot be told
      const line = doc.lines.get(k) ?? 0;
      tableSet(table, k, { json: e.json, version: e.version, expiresAt: e.expiresAt, line }, true);
    }
    seen = stamp;
  }

  /** Fail `BACKEND_CORRUPT` when the group `key` has an entry that does not read. */
  function refuseDamaged(key: string): void {
    const bad: BadEntry | undefined = doc.damaged.size > 0 ? doc.damaged.get(key) : undefined;
    if (bad)
      throw corruptError(
        { file: path, line: bad.line, column: bad.column },
        `group ${JSON.stringify(key)}: ${bad.reason}`,
        {
          key,
        },
      );
  }

  function save(): void {
    if (doc.version === "1.0") {
      const sessions: { key: string; json: string }[] = [];
      for (const [id, createdAt] of legacySessions(doc)) {
        if (isSafeId(id)) sessions.push({ key: id, json: JSON.stringify(sessionFor(id, createdAt)) });
      }
      importSessions(sessions);
      doc.version = "2.0";
    }
    const now = ctx.clock.now();
    for (const [k, e] of doc.entries) if (e.expiresAt !== null && e.expiresAt <= now) doc.entries.delete(k);
    writeFileAtomic(path, serializeGroupsFile(doc, toIso(now)), ctx.durability === "fsync");
    seen = "";
    load();
  }

  /** `fn` returns its result and whether it changed anything (only then is the file written). */
  function write<T>(fn: () => [T, boolean]): Promise<T> {
    return ctx.locks.withLock(lockPath, () => {
      load();
      const [result, changed] = fn();
      if (changed) save();
      return result;
    });
  }

  function current(key: string): number {
    refuseDamaged(key);
    const cell = table.cells.get(key);
    return isLive(cell, ctx.clock.now()) ? cell.version : 0;
  }

  function get(key: string): StoredRecord | null {
    load();
    refuseDamaged(key);
    const cell = table.cells.get(key);
    return isLive(cell, ctx.clock.now()) ? toRecord(key, cell) : null;
  }

  return {
    get,
    async getMany(keys) {
      return keys.map(get);
    },
    getLocked: get,
    list(options) {
      load();
      return pageTable(table, options, ctx.clock.now());
    },
    put(key, json, ifVersion, ttlMs) {
      return write(() => {
        const version = current(key);
        if (ifVersion !== undefined && ifVersion !== version) {
          throw new VersionConflictError(`Record "${key}"`, ifVersion, version);
        }
        const expiresAt = ttlMs === undefined ? null : ctx.clock.now() + ttlMs;
        const extra = version > 0 ? (doc.entries.get(key)?.extra ?? {}) : {};
        doc.entries.set(key, { json, version: version + 1, expiresAt, extra });
        return [{ key, value: JSON.parse(json), version: version + 1, expiresAt }, true];
      });
    },
    delete(key, ifVersion) {
      return write(() => {
        const version = current(key);
        if (ifVersion !== undefined && ifVersion !== version) {
          throw new VersionConflictError(`Record "${key}"`, ifVersion, version);
        }
        return [version > 0, doc.entries.delete(key)];
      });
    },
    clear() {
      return write(() => {
        const now = ctx.clock.now();
        let n = 0;
        for (const c of table.cells.values()) if (isLive(c, now)) n++;
        const changed = doc.entries.size > 0;
        doc.entries.clear();
        return [n, changed];
      });
    },
    heldKeys() {
      load();
      return [...new Set([...doc.entries.keys(), ...doc.damaged.keys()])];
    },
    close() {
      seen = "";
    },
  };
}
