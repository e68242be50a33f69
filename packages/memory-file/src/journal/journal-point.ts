import { closeSync, constants, fstatSync, statSync } from "node:fs";
import { fileIdentity, isMissing, openExisting, readAt } from "../fs-utils.js";
import { NEWLINE } from "../line-codec.js";
import { loadJournalIndex } from "./journal-index.js";
import { type JournalIndex, lookupIndex } from "./journal-index-format.js";
import { emptyJournalState, type JournalState, readJournalLines, readLine } from "./journal-lines.js";
import type { Cell } from "./record-table.js";

/**
 * Point reads of a journal through its persisted index, without reading the journal whole: the
 * lines after what the index covers are read as any process reads what others appended, and a
 * record is read from its line (checksum, header and key verified). Whatever does not fit (a bad
 * line after the index, a line that is not the record the index names, a replaced or shortened
 * file, an edit in place) ends the reader: its caller then reads the journal whole, which is what
 * every answer here must equal.
 */
export interface PointReader {
  /** The record's cell (live or expired), `null` when the journal holds none, `undefined` when this reader cannot tell. */
  get(key: string): Cell | null | undefined;
  close(): void;
}

/**
 * A point reader of the journal at `path`, or `null` when it has no usable index (or no file).
 *
 * @example
 * const p = openPointReader(".tta/ns/default/rec/memories.jsonl");
 * const cell = p?.get("mem_01");
 */
export function openPointReader(path: string): PointReader | null {
  const opened = openExisting(path, constants.O_RDONLY);
  if (opened === null) return null;
  let fd = opened;
  let st = fstatSync(fd);
  const idx = loadJournalIndex(path, fd, st);
  if (idx === null) {
    closeSync(fd);
    return null;
  }
  const id = fileIdentity(st);
  const tail: JournalState = {
    ...emptyJournalState(),
    consumed: idx.covered,
    lines: idx.lines,
    deleted: new Set(),
  };
  let mtimeMs = Number.NaN;
  let usable = true;

  function close(): void {
    if (fd !== -1) closeSync(fd);
    fd = -1;
    usable = false;
  }

  /** Bring the tail up to date (one `stat`); false when the index no longer describes the file. */
  function sync(): boolean | "missing" {
    try {
      st = statSync(path);
    } catch (e) {
      if (isMissing(e)) return "missing";
      throw e;
    }
    if (fileIdentity(st) !== id || st.size < tail.consumed) return false;
    if (st.size === tail.consumed && st.mtimeMs !== mtimeMs && !Number.isNaN(mtimeMs)) return false;
    if (st.size > tail.consumed) {
      readJournalLines(fd, tail, st.size);
      if (tail.bad.length > 0) return false;
    }
    mtimeMs = st.mtimeMs;
    return true;
  }

  return {
    get(key) {
      if (!usable) return undefined;
      const fresh = sync();
      if (fresh === "missing") return null;
      if (!fresh) {
        close();
        return undefined;
      }
      const cell = tail.table.cells.get(key);
      if (cell !== undefined) return cell;
      if (tail.deleted!.has(key)) return null;
      const found = readIndexed(fd, idx, key);
      if (found === undefined) close();
      return found;
    },
    close,
  };
}

/** The record `key` as the index places it, `null` when it names none, `undefined` when its line does not match. */
function readIndexed(fd: number, idx: JournalIndex, key: string): Cell | null | undefined {
  const e = lookupIndex(idx, key);
  if (e === null || e === undefined) return e;
  // One byte before the line too: it must be the newline that ends the line before.
  const from = e.pos > 0 ? e.pos - 1 : 0;
  const buf = readAt(fd, from, e.len + e.pos - from);
  const start = e.pos - from;
  if (buf.length !== e.len + start || (start === 1 && buf[0] !== NEWLINE) || buf.at(-1) !== NEWLINE) {
    return undefined;
  }
  const s = { ...emptyJournalState(), lines: e.line - 1 };
  readLine(s, buf, null, from, start, buf.length - 1, false, false);
  if (s.bad.length > 0 || s.lines !== e.line) return undefined;
  return s.table.cells.get(key) ?? undefined;
}
