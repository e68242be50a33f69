import { BackendCorruptError } from "@tta-dev/core";

/** Where in a file corrupt data was found. */
export interface CorruptPlace {
  file: string;
  line?: number;
  column?: number;
  offset?: number;
}

/**
 * `BACKEND_CORRUPT` naming the file and, when known, the line (1-based), column and byte offset.
 * The file is left as it is: nothing overwrites or drops it.
 */
export function corruptError(
  place: CorruptPlace,
  why: string,
  extra: Record<string, unknown> = {},
): BackendCorruptError {
  const where = [
    place.file,
    place.line !== undefined ? `line ${place.line}` : undefined,
    place.column !== undefined ? `column ${place.column}` : undefined,
    place.offset !== undefined ? `byte ${place.offset}` : undefined,
  ]
    .filter(Boolean)
    .join(", ");
  return new BackendCorruptError(
    `Corrupt data in ${where}: ${why}. The file was left untouched; repair or move it.`,
    { ...place, reason: why, ...extra },
  );
}

/** Line and column (1-based) of byte/char `position` in `text`. */
export function lineAndColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

/**
 * Line and column (1-based) of many positions in one text: the newlines are found once, each
 * position is then a binary search.
 */
export function lineLocator(text: string): (position: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (position) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: position - starts[lo]! + 1 };
  };
}
