import { crc32 } from "node:zlib";

/** Bytes of the checksum that starts every framed line: 8 lower-case hex digits of the CRC-32 of the body. */
export const CRC_WIDTH = 8;
/** Byte value of `\n`. */
export const NEWLINE = 0x0a;
/** Byte value of the tab that separates a line's header from its value. */
export const TAB = 0x09;

/**
 * Frame one line: `<crc32 of body, 8 hex><body>\n`. JSON never holds a raw newline or tab, so a line
 * is unambiguous and a torn or edited line fails its checksum.
 */
export function frameLine(body: string): string {
  return `${crc32(body).toString(16).padStart(CRC_WIDTH, "0")}${body}\n`;
}

/** Body of a line: its header JSON, then a tab and the value JSON when there is a value. */
export function lineBody(header: string, valueJson?: string): string {
  return valueJson === undefined ? header : `${header}\t${valueJson}`;
}

/** Index of the first tab in `buf[from, end)`, or `end`: the search never runs past the line. */
function tabOrEnd(buf: Buffer, from: number, end: number): number {
  const tab = buf.subarray(from, end).indexOf(TAB);
  return tab === -1 ? end : from + tab;
}

/** One decoded line: its header (parsed) and the raw JSON text of its value, if any. */
export interface DecodedLine {
  header: Record<string, unknown>;
  valueJson: string | undefined;
}

/**
 * Decode the framed line `buf[start, end)` (without its newline). Returns `null` when the checksum
 * or the header does not hold, so the caller decides between "torn" and "corrupt".
 */
export function decodeLine(buf: Buffer, start: number, end: number): DecodedLine | null {
  if (end - start < CRC_WIDTH + 2) return null;
  const stated = Number.parseInt(buf.toString("latin1", start, start + CRC_WIDTH), 16);
  if (!Number.isInteger(stated) || crc32(buf.subarray(start + CRC_WIDTH, end)) !== stated) return null;
  const headerEnd = tabOrEnd(buf, start + CRC_WIDTH, end);
  let header: unknown;
  try {
    header = JSON.parse(buf.toString("utf8", start + CRC_WIDTH, headerEnd));
  } catch {
    return null;
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return null;
  return {
    header: header as Record<string, unknown>,
    valueJson: headerEnd === end ? undefined : buf.toString("utf8", headerEnd + 1, end),
  };
}

/**
 * Parse only the header of a line, skipping the checksum: for scans that need the seq or key of
 * many lines quickly (the value is not read).
 */
export function peekHeader(buf: Buffer, start: number, end: number): Record<string, unknown> | null {
  const headerEnd = tabOrEnd(buf, start + CRC_WIDTH, end);
  try {
    const header: unknown = JSON.parse(buf.toString("utf8", start + CRC_WIDTH, headerEnd));
    return typeof header === "object" && header !== null ? (header as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
