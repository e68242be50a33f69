import { closeSync, constants, fsyncSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { ensureDir, fsyncDir } from "../fs-utils.js";

/** Suffix of the side file beside each data file that `repair` moves damaged lines or entries into. */
export const SIDE_SUFFIX = ".corrupt";

/** One damaged piece set aside: where it was and its bytes (without a newline). */
export interface SetAside {
  line: number;
  offset?: number;
  reason: string;
  bytes: Buffer | string;
  /** An incomplete last line (no newline in the file). */
  incomplete?: boolean;
}

/**
 * Append pieces to the side file `<file>.corrupt`, one line each:
 * `{"from","line","offset","reason","movedAt"}` as JSON, a tab, then the piece's original bytes.
 * Append-only and synced before the caller removes anything from the data file, so a crash between
 * the two leaves a piece in both places, never in neither.
 */
export function appendToSideFile(
  file: string,
  from: string,
  pieces: readonly SetAside[],
  movedAt: string,
  syncDir: boolean,
): void {
  if (pieces.length === 0) return;
  const parts: Buffer[] = [];
  for (const p of pieces) {
    const head = {
      from,
      line: p.line,
      ...(p.offset !== undefined ? { offset: p.offset } : {}),
      reason: p.reason,
      ...(p.incomplete ? { incomplete: true } : {}),
      movedAt,
    };
    parts.push(Buffer.from(`${JSON.stringify(head)}\t`), Buffer.from(p.bytes), Buffer.from("\n"));
  }
  const buf = Buffer.concat(parts);
  ensureDir(dirname(file));
  const fd = openSync(
    `${file}${SIDE_SUFFIX}`,
    constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND,
    0o644,
  );
  try {
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (syncDir) fsyncDir(dirname(file));
}
