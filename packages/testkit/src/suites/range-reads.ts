import type { ReadLogOptions } from "@tta-dev/core";

const ALL = Array.from({ length: 50 }, (_, i) => i + 1);

/**
 * Range reads of a log of 50 entries (seqs 1–50, value = seq) and the seqs each returns: the log suite
 * checks them as they are, the trim suite checks the same reads after a trim against {@link modelRead}.
 */
export const RANGE_READS: readonly (readonly [ReadLogOptions, number[]])[] = [
  [{ limit: 5 }, ALL.slice(0, 5)],
  [{ limit: 5, fromEnd: true }, ALL.slice(45)],
  [{ afterSeq: 47 }, [48, 49, 50]],
  [{ afterSeq: 50 }, []],
  [{ afterSeq: 99 }, []],
  [{ beforeSeq: 4 }, [1, 2, 3]],
  [{ afterSeq: 10, beforeSeq: 20, limit: 3 }, [11, 12, 13]],
  [{ afterSeq: 10, beforeSeq: 20, limit: 3, fromEnd: true }, [17, 18, 19]],
  [{ beforeSeq: 1 }, []],
  [{ fromEnd: true, limit: 100 }, ALL],
];

/**
 * The seqs a read of `options` returns from a log holding `seqs` (ascending), as the port defines it.
 *
 * @example
 * modelRead([21, 22, 23], { afterSeq: 5, limit: 2 }); // [21, 22]
 */
export function modelRead(seqs: readonly number[], options: ReadLogOptions = {}): number[] {
  const { afterSeq = 0, beforeSeq = Number.MAX_SAFE_INTEGER, limit = 1000, fromEnd = false } = options;
  const range = seqs.filter((s) => s > afterSeq && s < beforeSeq);
  return fromEnd ? range.slice(-limit) : range.slice(0, limit);
}
