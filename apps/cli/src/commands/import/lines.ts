import type { FileHandle } from "node:fs/promises";
import { ValidationError } from "@tta-dev/core";

/** One line of a JSONL file, as read. */
export interface FileLine {
  /** 1-based line number. */
  no: number;
  /** Byte offset just past the line (past its newline, or the end of the file). */
  end: number;
  /** The line's text (its `\r` dropped); `null` when it is over the line limit (not kept). */
  text: string | null;
  /** False when the bytes are not valid UTF-8 (then `text` holds replacement characters). */
  utf8: boolean;
  /** True for a last line without a newline. */
  unterminated: boolean;
}

const CHUNK = 1 << 20;
const strict = new TextDecoder("utf-8", { fatal: true });

function decode(bytes: Buffer): { text: string; utf8: boolean } {
  try {
    return { text: strict.decode(bytes), utf8: true };
  } catch {
    return { text: bytes.toString("utf8"), utf8: false };
  }
}

function lineOf(parts: Buffer[], no: number, end: number, unterminated: boolean): FileLine {
  const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  const cr = bytes.length > 0 && bytes[bytes.length - 1] === 13;
  const { text, utf8 } = decode(cr ? bytes.subarray(0, -1) : bytes);
  return { no, end, text, utf8, unterminated };
}

/**
 * The lines of the first `size` bytes of an open file, read in 1 MiB chunks: memory holds one chunk
 * and one line at most. A line over `maxLineBytes` is reported with `text: null` and is never held
 * whole. `onBytes` sees the offset read so far. Fails `VALIDATION_FAILED` when the file ends before
 * `size` (it was cut while being read).
 */
export async function* fileLines(
  handle: FileHandle,
  size: number,
  options: { maxLineBytes: number; onBytes?: (offset: number) => void },
): AsyncGenerator<FileLine> {
  const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, size)));
  let offset = 0;
  let no = 0;
  let parts: Buffer[] = [];
  let lineBytes = 0;
  let oversized = false;
  while (offset < size) {
    const { bytesRead: n } = await handle.read(buf, 0, Math.min(buf.length, size - offset), offset);
    if (n <= 0) {
      throw new ValidationError(
        `The file became shorter while it was read (${offset} of ${size} bytes); run the import again.`,
        { issues: [{ path: "file", message: "changed while read" }], offset, size },
      );
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl === -1 || nl >= n) break;
      const piece = buf.subarray(start, nl);
      no++;
      const end = offset + nl + 1;
      if (oversized || lineBytes + piece.length > options.maxLineBytes) {
        yield { no, end, text: null, utf8: true, unterminated: false };
      } else {
        parts.push(Buffer.from(piece));
        yield lineOf(parts, no, end, false);
      }
      parts = [];
      lineBytes = 0;
      oversized = false;
      start = nl + 1;
    }
    if (!oversized && lineBytes + (n - start) <= options.maxLineBytes) {
      if (n > start) parts.push(Buffer.from(buf.subarray(start, n)));
      lineBytes += n - start;
    } else {
      oversized = true;
      parts = [];
    }
    offset += n;
    options.onBytes?.(offset);
  }
  if (oversized) yield { no: no + 1, end: size, text: null, utf8: true, unterminated: true };
  else if (lineBytes > 0) yield lineOf(parts, no + 1, size, true);
}
