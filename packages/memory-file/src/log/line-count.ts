import { readAt } from "../fs-utils.js";
import { NEWLINE } from "../line-codec.js";

/**
 * The 1-based physical line that starts at byte `offset` of the file: newlines before it, counted
 * from the start of the file. Only for error reports and inspection, where reading the file up to
 * the damage is fine; the fast paths never need it.
 */
export function lineAtOffset(fd: number, offset: number): number {
  let line = 1;
  const chunk = 1 << 20;
  for (let pos = 0; pos < offset; pos += chunk) {
    const buf = readAt(fd, pos, Math.min(chunk, offset - pos));
    for (let i = buf.indexOf(NEWLINE); i !== -1; i = buf.indexOf(NEWLINE, i + 1)) line++;
    if (buf.length === 0) break;
  }
  return line;
}
