/** Hand-made damage for the corruption tests: real bytes in real files, nothing mocked. */
import { readFileSync, writeFileSync } from "node:fs";
import { crc32 } from "node:zlib";

/** A framed line with a valid checksum, computed the way `line-codec.ts` does: `<crc32 hex><body>\n`. */
export function forgeLine(body: string): string {
  return `${crc32(body).toString(16).padStart(8, "0")}${body}\n`;
}

/** The file's lines (without newlines; an incomplete last line included). */
export function linesOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");
}

/** Flip one byte of 1-based line `line`, `at` bytes into it (default: its last byte). */
export function flipByte(file: string, line: number, at?: number): void {
  const buf = readFileSync(file);
  let start = 0;
  for (let l = 1; l < line; l++) start = buf.indexOf(0x0a, start) + 1;
  const end = buf.indexOf(0x0a, start);
  const i = start + (at ?? end - start - 1);
  buf[i] = buf[i] === 0x41 ? 0x42 : 0x41;
  writeFileSync(file, buf);
}

/** Insert `text` (one line, without newline) so that it becomes 1-based line `line`. */
export function insertLine(file: string, line: number, text: string): void {
  const lines = linesOf(file);
  lines.splice(line - 1, 0, text);
  writeFileSync(file, `${lines.join("\n")}\n`);
}

/** A JSON text nested `depth` objects deep: `{"a":{"a":…{}…}}`. */
export function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{}${"}".repeat(depth - 1)}`;
}
