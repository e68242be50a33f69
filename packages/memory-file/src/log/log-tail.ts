import { corruptError } from "../corrupt.js";
import { readAt } from "../fs-utils.js";
import { NEWLINE } from "../line-codec.js";
import { scanLogChain, tailFaults } from "./log-chain.js";
import { decodeLogLine, decodeTrimMarker, follows, headerAt, type LogHeader } from "./log-line.js";

/** The committed end of a log file and its last seq (a log trimmed to empty ends at its marker). */
export interface LogTail {
  /** Byte offset just after the last committed line; anything beyond is torn or in progress. */
  validEnd: number;
  lastSeq: number;
}

/** The buffer does not reach far enough back. */
const MORE = 1;
/** Something at the end does not fit: look at the whole chain. */
const DOUBT = 2;

/**
 * The committed end within `buf` (the last `buf.length` bytes of the file, from `pos`): the last
 * line whose batch is complete (`r` = 0), which must follow the line before it (seq 1 when it is
 * the first line, unless that is a trim marker). The lines after it (a torn batch) must follow it
 * and each other.
 */
function tailIn(buf: Buffer, pos: number): LogTail | typeof MORE | typeof DOUBT {
  let lineEnd = buf.lastIndexOf(NEWLINE);
  if (lineEnd === -1) return pos === 0 ? { validEnd: 0, lastSeq: 0 } : MORE;
  let after: LogHeader | null = null;
  for (;;) {
    const prev = lineEnd === 0 ? -1 : buf.lastIndexOf(NEWLINE, lineEnd - 1);
    if (prev === -1 && pos > 0) return MORE;
    const start = prev + 1;
    const first = start === 0 && pos === 0;
    const line = decodeLogLine(buf, start, lineEnd);
    const h = line?.header ?? (first ? decodeTrimMarker(buf, start, lineEnd) : null);
    if (h === null) return DOUBT;
    if (after !== null && !follows(h, after)) return DOUBT;
    if (h.r === 0) {
      if (first) return h.s === 1 || line === null ? { validEnd: lineEnd + 1, lastSeq: h.s } : DOUBT;
      const pEnd = start - 1;
      const pPrev = pEnd === 0 ? -1 : buf.lastIndexOf(NEWLINE, pEnd - 1);
      if (pPrev === -1 && pos > 0) return MORE;
      const p = headerAt(buf, pPrev + 1, pEnd, pPrev === -1 && pos === 0);
      if (p === null || !follows(p, h)) return DOUBT;
      return { validEnd: pos + lineEnd + 1, lastSeq: h.s };
    }
    if (first) return h.s === 1 ? { validEnd: 0, lastSeq: 0 } : DOUBT;
    after = h;
    lineEnd = prev;
  }
}

/**
 * Find the committed end of a log by reading backwards from `size`. An incomplete last line, or the
 * lines of a batch whose last line never made it, are torn (or still being written) and lie beyond
 * `validEnd`. The end must continue the seqs (checked against the line before it: O(1)); when it
 * does not, or a line there does not read, the whole chain is followed once to tell damage in the
 * middle (the end is fine) from an end that cannot be trusted, which fails `BACKEND_CORRUPT` naming
 * the first line of it, so that nothing is served from it or appended after it.
 */
export function readTail(file: string, fd: number, size: number): LogTail {
  let chunk = 4096;
  for (;;) {
    const pos = Math.max(0, size - chunk);
    const found = tailIn(readAt(fd, pos, size - pos), pos);
    if (found === MORE) {
      chunk *= 4;
      continue;
    }
    if (found !== DOUBT) return found;
    const chain = scanLogChain(fd, size, false);
    const bad = tailFaults(chain)[0];
    if (bad) {
      throw corruptError(
        { file, line: bad.line, offset: bad.offset },
        `${bad.reason}; the log's last lines do not continue its seqs after seq ${chain.lastSeq}`,
        { lastGoodSeq: chain.lastSeq },
      );
    }
    return { validEnd: chain.committedEnd, lastSeq: chain.lastSeq };
  }
}

/** Where the entries of a log file start: after its trim marker, if it has one. */
export interface LogHead {
  /** Byte offset of the first entry's line. */
  start: number;
  /** The last removed seq (0: never trimmed); the first entry has seq `trimmed + 1`. */
  trimmed: number;
}

/** The head of a log file of `size` bytes: one read of its first line. */
export function readHead(fd: number, size: number): LogHead {
  for (let len = 256; ; len *= 4) {
    const buf = readAt(fd, 0, Math.min(len, size));
    const nl = buf.indexOf(NEWLINE);
    if (nl !== -1) {
      const marker = decodeTrimMarker(buf, 0, nl);
      return marker === null ? { start: 0, trimmed: 0 } : { start: nl + 1, trimmed: marker.s };
    }
    if (buf.length >= size) return { start: 0, trimmed: 0 };
  }
}
