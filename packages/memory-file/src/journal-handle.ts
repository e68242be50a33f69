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
import type { Clock, Durability } from "@tta-dev/core";
import { fileIdentity, fsyncDir, isMissing, openReadWrite, writeAt, writeFileAtomic } from "./fs-utils.js";
import {
  emptyJournalState,
  type JournalState,
  liveLines,
  readJournalLines,
  rebaseCells,
  worthCompacting,
} from "./journal-lines.js";
import { frameLine } from "./line-codec.js";

/** The open file behind a record journal and what this process has read of it. */
export interface JournalHandle {
  /** The journal as it is now: reads what other processes appended since the last call (one `stat`). */
  current(): JournalState;
  /** Append one framed line (under the journal's lock), cutting a torn tail first. */
  appendLine(body: string): void;
  /** Delete the file, if there is one (no record left). */
  removeFile(): void;
  /** Rewrite the file with one line per live record when most lines are garbage; never with a bad line in it. */
  compactIfWorthIt(): void;
  /** Close the file and forget what was read. */
  reset(): void;
}

const COMPACT_MIN_LINES = 256;

/**
 * Keep `path` open and its records in memory. Before each operation one `stat` tells whether other
 * processes appended (read only the new lines), replaced the file (file identity = inode + birth
 * time: read it whole) or edited it in place (same size, new mtime: read it whole).
 */
export function openJournalHandle(
  path: string,
  ctx: { clock: Clock; durability: Exclude<Durability, "memory"> },
): JournalHandle {
  let fd = -1;
  let ino = "";
  let size = 0;
  let mtimeMs = -1;
  let j: JournalState = emptyJournalState();

  function reset(): void {
    if (fd !== -1) closeSync(fd);
    fd = -1;
    ino = "";
    size = 0;
    mtimeMs = -1;
    j = emptyJournalState();
  }

  function reopen(): boolean {
    reset();
    try {
      fd = openSync(path, constants.O_RDWR);
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
    ino = fileIdentity(fstatSync(fd));
    return true;
  }

  function current(): JournalState {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(path);
    } catch (e) {
      if (!isMissing(e)) throw e;
      reset();
      return j;
    }
    // Appends only grow the file: the same size with a new mtime means an edit in place.
    if (
      fileIdentity(st) !== ino ||
      st.size < j.consumed ||
      (st.size === j.consumed && st.mtimeMs !== mtimeMs)
    ) {
      if (!reopen()) return j;
      st = fstatSync(fd);
    }
    const end = st.size;
    if (end > j.consumed) {
      const from = j.consumed;
      const known = j.bad.length;
      readJournalLines(fd, j, end);
      // A bad line in what others appended may also be an edit that grew the file, read from the
      // middle of a line: read it whole once, so that line numbers and records are the file's own.
      if (from > 0 && j.bad.length > known && reopen()) readJournalLines(fd, j, end);
    }
    size = end;
    mtimeMs = st.mtimeMs;
    return j;
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
    reset();
    try {
      unlinkSync(path);
    } catch (e) {
      if (isMissing(e)) return;
      throw e;
    }
    if (ctx.durability === "fsync") fsyncDir(dirname(path));
  }

  function compactIfWorthIt(): void {
    // A rewrite keeps only live records: it would drop a bad line, which only `repair` may move.
    if (j.bad.length > 0 || j.damaged.size > 0) return;
    const now = ctx.clock.now();
    if (!worthCompacting(j, now, COMPACT_MIN_LINES)) return;
    const { lines, cells } = liveLines(j.table, now);
    if (lines.length === 0) {
      removeFile();
      return;
    }
    const kept = j.table;
    const data = Buffer.from(lines.join(""));
    writeFileAtomic(path, data, ctx.durability === "fsync");
    // The values now live in `data`, a copy of the new file: the chunks of the old one are freed.
    rebaseCells(cells, data);
    reset();
    fd = openSync(path, constants.O_RDWR);
    const st = fstatSync(fd);
    ino = fileIdentity(st);
    size = st.size;
    mtimeMs = st.mtimeMs;
    j = { ...emptyJournalState(), table: kept, consumed: st.size, lines: lines.length };
  }

  return { current, appendLine, removeFile, compactIfWorthIt, reset };
}
