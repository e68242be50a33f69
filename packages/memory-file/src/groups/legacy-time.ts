const STAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Convert a timestamp of the version 1.0 file into ISO-8601 UTC with milliseconds. The original
 * Python implementation wrote naive local times with microseconds (`2025-10-28T17:05:17.366397`);
 * with no zone recorded they are read as UTC and cut to milliseconds
 * (`2025-10-28T17:05:17.366Z`). A stamp with an offset is converted. `null` when it is not a time.
 *
 * @example
 * legacyToIso("2025-10-28T17:05:17.366397") // "2025-10-28T17:05:17.366Z"
 */
export function legacyToIso(stamp: string): string | null {
  const m = STAMP.exec(stamp);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = "00", frac = "", zone] = m;
  const ms = `${frac}000`.slice(0, 3);
  const base = `${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}`;
  const zoned =
    zone === undefined || zone === "Z"
      ? `${base}Z`
      : `${base}${zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`}`;
  const t = Date.parse(zoned);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}
