import { nestedTooDeep, TOO_DEEP } from "../depth.js";
import { readAt } from "../fs-utils.js";
import { NEWLINE } from "../line-codec.js";
import { continues, decodeLogLine, decodeTrimMarker, follows, type LogHeader } from "./log-line.js";

/** A complete line of a log that cannot be served. */
export interface ChainFault {
  /** 1-based physical line. */
  line: number;
  offset: number;
  /** Offset after its newline. */
  end: number;
  reason: string;
  /** `seq`: it reads but does not continue the seqs; `line`: it does not read, or its value does not. */
  kind: "line" | "seq";
  /** Whether it holds its place in the seqs (a broken value under a good header). */
  inChain: boolean;
}

/** What a whole log holds, line by line (see {@link scanLogChain}). */
export interface LogChain {
  /** Offset after the last line of the chain whose batch is complete: the committed end. */
  committedEnd: number;
  /** Its seq (0: none). */
  lastSeq: number;
  /** Physical lines up to the committed end. */
  committedLines: number;
  /** Complete lines in the file, and the offset after the last one. */
  lines: number;
  completeEnd: number;
  faults: ChainFault[];
}

/**
 * Read a whole log forward and follow its chain of seqs: seq 1 first (or the seq after a trim marker
 * on the first line), each line continuing the last good one. A line that does not read is a fault that may have held a seq (the next good line may
 * skip one per such line). A line that reads but does not continue (a foreign, repeated or jumping
 * seq) is a fault too, unless the chain resumes from it: a line that continues it makes it the
 * start of what follows (a gap left by a lost line is one fault, not a fault for every line after
 * it), while a line that continues the last good line leaves it out. So damage in the middle leaves
 * the lines after it in the chain, and damage at the end shows as faults after `committedEnd`.
 * With `checkValues`, committed values are also parsed and depth-checked. Used by inspection,
 * repair and the error paths (O(file)); never by appends or ordinary reads.
 */
export function scanLogChain(
  fd: number,
  size: number,
  checkValues: boolean,
  onMember?: (seq: number, offset: number) => boolean,
): LogChain {
  const out: LogChain = {
    committedEnd: 0,
    lastSeq: 0,
    committedLines: 0,
    lines: 0,
    completeEnd: 0,
    faults: [],
  };
  let last: LogHeader | null = null;
  let skipped = 0; // lines that do not read since `last`
  let stray: LogHeader | null = null; // the last line that read but broke the chain
  let pending: ChainFault[] = []; // value faults of the open batch: reported once it commits
  let offset = 0;
  let chunk = 1 << 20;
  while (offset < size) {
    const buf = readAt(fd, offset, Math.min(chunk, size - offset));
    if (buf.length === 0) break;
    let start = 0;
    for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
      const line = ++out.lines;
      const at = offset + start;
      const place = { line, offset: at, end: offset + nl + 1 };
      const decoded = decodeLogLine(buf, start, nl);
      const marker = decoded === null && line === 1 ? decodeTrimMarker(buf, start, nl) : null;
      start = nl + 1;
      if (marker !== null) {
        // A trimmed log: the chain continues from the last removed seq.
        last = marker;
        out.committedEnd = place.end;
        out.lastSeq = marker.s;
        out.committedLines = line;
        continue;
      }
      if (decoded === null) {
        out.faults.push({ ...place, reason: "bad checksum or log header", kind: "line", inChain: false });
        skipped++;
        continue;
      }
      const h = decoded.header;
      if (!continues(last, h, skipped)) {
        if (stray === null || !follows(stray, h)) {
          out.faults.push({ ...place, reason: breakReason(last, h, skipped), kind: "seq", inChain: false });
          stray = h;
          continue;
        }
      }
      last = h;
      skipped = 0;
      stray = null;
      if (onMember?.(h.s, at)) return out;
      if (checkValues) {
        const why = valueFault(decoded.valueJson);
        if (why !== null) pending.push({ ...place, reason: why, kind: "line", inChain: true });
      }
      if (h.r === 0) {
        out.committedEnd = place.end;
        out.lastSeq = h.s;
        out.committedLines = line;
        out.faults.push(...pending);
        pending = [];
      }
    }
    if (start === 0) {
      if (offset + buf.length >= size) break; // an incomplete last line: in progress or torn
      chunk *= 4;
    }
    offset += start;
    out.completeEnd = offset;
  }
  out.faults.sort((a, b) => a.offset - b.offset);
  return out;
}

function breakReason(last: LogHeader | null, h: LogHeader, skipped: number): string {
  const due = (last?.s ?? 0) + 1;
  const d = h.s - due + 1;
  if (d >= 1 && d <= 1 + skipped) return `batch count ${h.r} where ${last!.r - d} is due`;
  return `seq ${h.s} where ${skipped > 0 ? `${due} to ${due + skipped}` : due} is due`;
}

function valueFault(json: string): string | null {
  if (nestedTooDeep(json)) return TOO_DEEP;
  try {
    JSON.parse(json);
    return null;
  } catch {
    return "value is not JSON";
  }
}

/** The faults after the committed end that do not hold a place in the chain: a log tail that cannot be trusted. */
export function tailFaults(chain: LogChain): ChainFault[] {
  return chain.faults.filter((f) => f.offset >= chain.committedEnd && !f.inChain);
}
