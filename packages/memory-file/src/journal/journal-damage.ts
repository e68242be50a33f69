import type { RecordTable } from "./record-table.js";
import { tableDelete } from "./record-table.js";

/** A complete line of a journal that cannot be trusted: it fails its checksum, shape or value. */
export interface BadLine {
  /** 1-based physical line. */
  line: number;
  /** Byte offset of its first byte. */
  offset: number;
  /** Its bytes, newline included. */
  length: number;
  reason: string;
  /** The record it seems to hold, when its header can still be read. */
  key?: string;
}

/**
 * A record whose latest line is bad. Reading it fails `BACKEND_CORRUPT` (never an older version
 * silently) until a later good line for the key supersedes the bad one, or `repair` sets it aside.
 */
export interface Damage {
  line: number;
  offset?: number;
  reason: string;
  /** What the record is once the bad lines are gone: its last good line before them, or absent. */
  fallback: { version: number; expiresAt: number | null } | null;
  /** Highest version any of its lines named: a write over the damage continues after it. */
  version: number;
}

/**
 * Note that the record `key` (when known) now ends in a bad line: its current value, if any, is
 * taken out of the table, so neither `get` nor `list` serves what came before the damage.
 */
export function markDamaged(
  table: RecordTable,
  damaged: Map<string, Damage>,
  key: string,
  bad: { line: number; offset?: number; reason: string },
  statedVersion: unknown,
): void {
  const prev = damaged.get(key);
  const cell = table.cells.get(key);
  const stated =
    typeof statedVersion === "number" && Number.isSafeInteger(statedVersion) && statedVersion > 0
      ? statedVersion
      : 0;
  damaged.set(key, {
    ...bad,
    fallback: prev ? prev.fallback : cell ? { version: cell.version, expiresAt: cell.expiresAt } : null,
    version: Math.max(prev?.version ?? 0, cell?.version ?? 0, stated),
  });
  if (cell) tableDelete(table, key);
}
