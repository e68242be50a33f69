import { randomBytes } from "node:crypto";
import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { fsyncDir, readAt, sweepTemps } from "../fs-utils.js";
import { trimMarker } from "./log-line.js";

/**
 * Replace the log at `path` by a trim marker for seq `lastRemoved` followed by the bytes
 * `[from, end)` of its open `fd` (the kept entries, up to the committed end): written to a temp file
 * beside it, synced, renamed over it, and (with `syncDir`) the directory synced. Called under the
 * log's lock. A crash at any moment leaves the old file or the new one under `path`, and at most a
 * temp file that the next trim or `deleteLog` sweeps. A reader that holds the old file open keeps
 * reading it; the next `stat` shows the new identity.
 *
 * @example
 * replaceWithTail(path, fd, offsetOfSeq(fd, tail, head, 101), tail.validEnd, 100, false);
 */
export function replaceWithTail(
  path: string,
  fd: number,
  from: number,
  end: number,
  lastRemoved: number,
  syncDir: boolean,
): void {
  sweepTemps(path);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  const out = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    writeAll(out, Buffer.from(trimMarker(lastRemoved)));
    const chunk = 1 << 20;
    for (let pos = from; pos < end; ) {
      const buf = readAt(fd, pos, Math.min(chunk, end - pos));
      if (buf.length === 0) throw new Error(`log ${path} ended at byte ${pos} while trimming up to ${end}`);
      writeAll(out, buf);
      pos += buf.length;
    }
    fsyncSync(out);
  } catch (e) {
    closeSync(out);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(out);
  renameSync(tmp, path);
  if (syncDir) fsyncDir(dirname(path));
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
