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
import {
  fileIdentity,
  fsyncDir,
  isMissing,
  openExisting,
  openReadWrite,
  writeAt,
  writeFileAtomic,
} from "../fs-utils.js";
import { frameLine } from "../line-codec.js";
import {
  INDEX_MIN_BYTES,
  INDEX_STALE_BYTES,
  INDEX_STALE_LINES,
  loadJournalIndex,
  removeJournalIndex,
  writeJournalIndex,
} from "./journal-index.js";
import {
  emptyJournalState,
  finishRead,
  type JournalState,
  liveLines,
  readJournalLines,
  readStep,
  rebaseCells,
  startRead,
  worthCompacting,
} from "./journal-lines.js";
import { openPointReader, type PointReader } from "./journal-point.js";
import type { Cell } from "./record-table.js";

/** The open file behind a record journal and what this process has read of it. */
export interface JournalHandle {
  /** The journal as it is now: reads what other processes appended since the last call (one `stat`). */
  current(): JournalState;
  /** Whether the journal is held whole (then {@link current} costs one `stat`). */
  loaded(): boolean;
  /** Read the journal whole without holding the event loop for long (a no-op when it is held). */
  load(): Promise<void>;
  /**
   * One record without reading the journal whole, through its index: the cell, `null` when there
   * is none, `undefined` when only {@link current} can tell (no usable index, or the journal is held).
   */
  point(key: string): Cell | null | undefined;
  /** Append one framed line (under the journal's lock), cutting a torn tail first; returns its length in bytes. */
  appendLine(body: string): number;
  /** Delete the file, if there is one (no record left). */
  removeFile(): void;
  /** Rewrite the file with one line per live record when most lines are garbage; never with a bad line in it. */
  compactIfWorthIt(): void;
  /** Rewrite the journal's index when enough lines were appended after what it covers (see {@link writeJournalIndex}). */
  maintainIndex(): void;
  /** Close the file and forget what was read. */
  reset(): void;
}

const COMPACT_MIN_LINES = 256;
/** A read of the whole journal by an asynchronous caller gives the event loop a turn this often. */
const SLICE_MS = 10;
const STEP_BYTES = 256 << 10;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Keep `path` open and its records in memory. Before each operation one `stat` tells whether other
 * processes appended (read only the new lines), replaced the file (file identity = inode + birth
 * time: read it whole) or edited it in place (same size, new mtime: read it whole). Until it is read
 * whole, single records are read through the journal's index (see {@link openPointReader}).
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
  let reader: PointReader | null = null;
  /** No point reader could be had, or one met what it cannot answer: the index must not be trusted. */
  let noIndex = false;
  /** What the index covers as far as this process knows (`undefined`: not looked at yet; `null`: none). */
  let indexAt: { covered: number; lines: number } | null | undefined;
  let loading: Promise<void> | null = null;

  function reset(): void {
    if (fd !== -1) closeSync(fd);
    fd = -1;
    ino = "";
    size = 0;
    mtimeMs = -1;
    j = emptyJournalState();
    indexAt = undefined;
  }

  function dropReader(): void {
    reader?.close();
    reader = null;
  }

  function reopen(): boolean {
    reset();
    dropReader();
    const opened = openExisting(path, constants.O_RDWR);
    if (opened === null) return false;
    fd = opened;
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
      if (from === 0) maintainIndex();
    }
    size = end;
    mtimeMs = st.mtimeMs;
    return j;
  }

  /** The whole file read into a fresh state in steps, with turns of the event loop between them. */
  async function loadWhole(): Promise<void> {
    let f = openExisting(path, constants.O_RDWR);
    if (f === null) return;
    try {
      const st = fstatSync(f);
      const s = emptyJournalState();
      const r = startRead(s, st.size);
      let t = performance.now();
      while (readStep(f, s, r, STEP_BYTES)) {
        if (performance.now() - t < SLICE_MS) continue;
        await turn();
        t = performance.now();
      }
      finishRead(s, r);
      if (fd !== -1) return; // read meanwhile by a synchronous caller
      dropReader();
      reset();
      [fd, f] = [f, -1];
      ino = fileIdentity(st);
      size = st.size;
      mtimeMs = st.mtimeMs;
      j = s;
      maintainIndex();
    } finally {
      if (f !== -1) closeSync(f);
    }
  }

  function load(): Promise<void> {
    if (fd !== -1) return Promise.resolve();
    loading ??= loadWhole().finally(() => {
      loading = null;
    });
    return loading;
  }

  function point(key: string): Cell | null | undefined {
    if (fd !== -1 || noIndex) return undefined;
    reader ??= openPointReader(path);
    const cell = reader?.get(key);
    if (cell === undefined) {
      dropReader();
      noIndex = true;
    }
    return cell;
  }

  function maintainIndex(): void {
    if (fd === -1 || j.bad.length > 0 || j.damaged.size > 0 || j.consumed < INDEX_MIN_BYTES) return;
    if (indexAt === undefined) {
      const idx = noIndex ? null : loadJournalIndex(path, fd, fstatSync(fd));
      indexAt = idx && { covered: idx.covered, lines: idx.lines };
    }
    if (
      indexAt !== null &&
      j.consumed - indexAt.covered < INDEX_STALE_BYTES &&
      j.lines - indexAt.lines < INDEX_STALE_LINES
    ) {
      return;
    }
    // Also after a failed write: it is tried again only once as many lines were appended.
    writeJournalIndex(path, fd, j);
    indexAt = { covered: j.consumed, lines: j.lines };
    noIndex = false;
  }

  function ensureFile(): void {
    if (fd !== -1) return;
    fd = openReadWrite(path);
    const st = fstatSync(fd);
    ino = fileIdentity(st);
    size = st.size;
    if (ctx.durability === "fsync") fsyncDir(dirname(path));
  }

  function appendLine(body: string): number {
    ensureFile();
    if (size > j.consumed) ftruncateSync(fd, j.consumed); // a torn tail left by a killed writer
    const buf = Buffer.from(frameLine(body));
    writeAt(fd, buf, j.consumed);
    if (ctx.durability === "fsync") fdatasyncSync(fd);
    j.consumed += buf.length;
    size = j.consumed;
    mtimeMs = fstatSync(fd).mtimeMs;
    j.lines += 1;
    return buf.length;
  }

  function removeFile(): void {
    reset();
    dropReader();
    // The index first: a crash between the two leaves a journal without one, which is read whole.
    removeJournalIndex(path);
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
    // The old index names the old file: a new one for a big journal, none for a small one.
    indexAt = null;
    if (st.size < INDEX_MIN_BYTES) removeJournalIndex(path);
    else maintainIndex();
  }

  return {
    current,
    loaded: () => fd !== -1,
    load,
    point,
    appendLine,
    removeFile,
    compactIfWorthIt,
    maintainIndex,
    reset: () => {
      reset();
      dropReader();
    },
  };
}
