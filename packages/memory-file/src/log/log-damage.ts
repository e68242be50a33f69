import type { BackendCorruptError } from "@tta-dev/core";
import { corruptError } from "../corrupt.js";
import { lineAtOffset } from "./line-count.js";
import { scanLogChain, tailFaults } from "./log-chain.js";
import type { LogDamage } from "./log-line.js";

/** Where damage a read ran into really is, as `BACKEND_CORRUPT`. */
export interface LocatedDamage {
  error: BackendCorruptError;
  /** The log's end itself cannot be trusted: appends must stop until it is repaired. */
  tailBroken: boolean;
}

/**
 * Turn damage found by a read into `BACKEND_CORRUPT` naming the true physical line (the error
 * path: the file is read from its start). A line that does not read is named as it is. A line that
 * reads but holds the wrong seq may be innocent (a backward read meets the line before a foreign
 * one), so the chain is followed and the fault nearest to it is named; a fault at the end of the
 * log is named first, because then the log's end was wrong.
 */
export function locateDamage(file: string, fd: number, size: number, d: LogDamage): LocatedDamage {
  if (!d.misplaced) {
    return {
      error: corruptError({ file, line: lineAtOffset(fd, d.offset), offset: d.offset }, d.reason),
      tailBroken: false,
    };
  }
  const chain = scanLogChain(fd, size, false);
  const tail = tailFaults(chain)[0];
  if (tail) {
    return {
      error: corruptError(
        { file, line: tail.line, offset: tail.offset },
        `${tail.reason}; the log's last lines do not continue its seqs after seq ${chain.lastSeq}`,
        { lastGoodSeq: chain.lastSeq },
      ),
      tailBroken: true,
    };
  }
  let nearest = null as (typeof chain.faults)[number] | null;
  for (const f of chain.faults) {
    if (f.inChain) continue;
    if (nearest === null || Math.abs(f.offset - d.offset) < Math.abs(nearest.offset - d.offset)) nearest = f;
  }
  const where = nearest ?? { line: lineAtOffset(fd, d.offset), offset: d.offset, reason: d.reason };
  return {
    error: corruptError({ file, line: where.line, offset: where.offset }, where.reason, { found: d.reason }),
    tailBroken: false,
  };
}
