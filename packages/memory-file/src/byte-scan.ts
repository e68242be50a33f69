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

/** True when the line `buf[start, end)` carries the right checksum. */
export function checksumHolds(buf: Buffer, start: number, end: number): boolean {
  const stated = Number.parseInt(buf.toString("latin1", start, start + CRC_WIDTH), 16);
  return crc32(buf.subarray(start + CRC_WIDTH, end)) === stated;
}
