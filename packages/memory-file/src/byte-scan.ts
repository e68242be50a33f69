import { crc32 } from "node:zlib";
import { CRC_WIDTH } from "./line-codec.js";

/** True when `buf` holds `bytes` at `i` (a loop: cheaper than `Buffer.compare` for a few bytes). */
export function matches(buf: Buffer, i: number, bytes: Buffer): boolean {
  for (let k = 0; k < bytes.length; k++) if (buf[i + k] !== bytes[k]) return false;
  return true;
}

/** The non-negative integer written at `i`, and the index after it; `null` when no digit is there. */
export function digitsAt(buf: Buffer, i: number, end: number): [number, number] | null {
  let n = 0;
  const from = i;
  while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39 && i - from < 15) n = n * 10 + buf[i++]! - 0x30;
  return i === from ? null : [n, i];
}

/** The JSON string whose opening quote is at `i`, and the index after its closing quote; `null` if none. */
export function stringAt(buf: Buffer, i: number, end: number): [string, number] | null {
  if (buf[i] !== 0x22) return null;
  let j = i + 1;
  let escaped = false;
  while (j < end && buf[j] !== 0x22) {
    if (buf[j] === 0x5c) {
      escaped = true;
      j++;
    }
    j++;
  }
  if (j >= end) return null;
  if (!escaped) return [buf.toString("utf8", i + 1, j), j + 1];
  try {
    return [JSON.parse(buf.toString("utf8", i, j + 1)) as string, j + 1];
  } catch {
    return null;
  }
}

/** Value of a hex digit byte (`0-9a-fA-F`), or -1. */
function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

/**
 * The checksum stated at the start of a line, as `Number.parseInt(<its 8 characters>, 16)` reads it.
 * Eight hex digits (the only thing this package writes) are read from the bytes; anything else goes
 * through `parseInt` itself, so that what is accepted does not change.
 */
export function statedChecksum(buf: Buffer, start: number): number {
  let v = 0;
  for (let i = start; i < start + CRC_WIDTH; i++) {
    const d = i < buf.length ? hexDigit(buf[i]!) : -1;
    if (d === -1) return Number.parseInt(buf.toString("latin1", start, start + CRC_WIDTH), 16);
    v = v * 16 + d;
  }
  return v;
}

/** True when the line `buf[start, end)` carries the right checksum. */
export function checksumHolds(buf: Buffer, start: number, end: number): boolean {
  return crc32(buf.subarray(start + CRC_WIDTH, end)) === statedChecksum(buf, start);
}
