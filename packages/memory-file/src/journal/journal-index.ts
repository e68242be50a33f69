import { randomBytes } from "node:crypto";
import {
  fstatSync,
  readFileSync,
  renameSync,
  type Stats,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { crc32 } from "node:zlib";
import { fileIdentity, isMissing, isSystemError, readAt, sweepTemps } from "../fs-utils.js";
import {
  decodeJournalIndex,
  encodeJournalIndex,
  type IndexEntry,
  type JournalIndex,
  sampleBlocks,
} from "./journal-index-format.js";
import type { JournalState } from "./journal-lines.js";

/** Journals smaller than this get no index: reading them whole takes a few milliseconds. */
export const INDEX_MIN_BYTES = 1 << 20;
/** An index is rewritten once this many lines, or bytes, were appended after what it covers. */
export const INDEX_STALE_LINES = 1024;
export const INDEX_STALE_BYTES = 1 << 20;

/** The path of a journal's index. */
export const indexPath = (journal: string) => `${journal}.idx`;

function samplesOf(fd: number, covered: number): number[] {
  return sampleBlocks(covered).map(([at, len]) => crc32(readAt(fd, at, len)));
}

/**
 * The index of the journal open at `fd` (`st` its `fstat`), when it still describes that file: the
 * same file (inode and birth time: a compacted or replaced journal is another file), at least as
 * long as what it covers, not edited in place (same size as covered but another mtime), and the
 * same bytes in each sampled block (the first, the last before `covered`, and 14 between).
 * Anything else (missing, torn, garbage, another journal's, stale) is `null`: never an error.
 */
export function loadJournalIndex(journal: string, fd: number, st: Stats): JournalIndex | null {
  let buf: Buffer;
  try {
    buf = readFileSync(indexPath(journal));
  } catch {
    return null;
  }
  const idx = decodeJournalIndex(buf);
  if (idx === null || idx.ino !== st.ino || idx.birthtimeMs !== st.birthtimeMs) return null;
  if (st.size < idx.covered || idx.covered === 0) return null;
  if (st.size === idx.covered && idx.mtimeMs !== -1 && st.mtimeMs !== idx.mtimeMs) return null;
  const now = samplesOf(fd, idx.covered);
  return now.every((c, i) => c === idx.samples[i]) ? idx : null;
}

/**
 * Write the index of `j` (the journal open at `fd`, read up to `j.consumed`): a temp file beside it,
 * then a rename, so a reader sees the old index or the new one, and a writer killed half-way leaves
 * only a temp file (swept by the next writer). It is not synced: an index torn by a power cut fails
 * its checksum and is rebuilt. Nothing is written when the journal at `journal` is no longer the
 * file at `fd`, or when a record was not read from it. A failed write (read-only directory, full
 * disk) leaves the old index, which readers check anyway: derived data never fails a read.
 * Returns what it covers, or -1 when it wrote nothing.
 */
export function writeJournalIndex(journal: string, fd: number, j: JournalState): number {
  const st = fstatSync(fd);
  try {
    if (fileIdentity(statSync(journal)) !== fileIdentity(st)) return -1;
  } catch (e) {
    if (isMissing(e)) return -1;
    throw e;
  }
  const entries: [string, IndexEntry][] = [];
  for (const [key, c] of j.table.cells) {
    if (c.pos < 0 || c.pos + c.len > j.consumed) return -1;
    entries.push([key, { pos: c.pos, len: c.len, line: c.line }]);
  }
  const buf = encodeJournalIndex(
    {
      ino: st.ino,
      birthtimeMs: st.birthtimeMs,
      covered: j.consumed,
      lines: j.lines,
      mtimeMs: st.size === j.consumed ? st.mtimeMs : -1,
      samples: samplesOf(fd, j.consumed),
    },
    entries,
  );
  const path = indexPath(journal);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  try {
    sweepTemps(path);
    writeFileSync(tmp, buf);
    renameSync(tmp, path);
    return j.consumed;
  } catch (e) {
    if (!isSystemError(e)) throw e;
    removeQuietly(tmp);
    return -1;
  }
}

/** Remove a journal's index (with its journal, or when it no longer needs one). */
export function removeJournalIndex(journal: string): void {
  removeQuietly(indexPath(journal));
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if (!isSystemError(e)) throw e;
  }
}
