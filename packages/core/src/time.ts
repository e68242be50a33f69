import { ValidationError } from "./errors.js";

/** A source of the current time; every service takes one so tests can control time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** ISO-8601 UTC with milliseconds, e.g. `2026-11-25T12:00:00.000Z`. */
export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A clock that only moves when told to: for tests and simulations. */
export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

/**
 * Create a clock that starts at `start` (ms or ISO string) and moves only by `advance`/`set`.
 *
 * @example
 * const clock = createManualClock("2026-11-25T12:00:00.000Z");
 * clock.advance(60_000);
 */
export function createManualClock(start: number | string = Date.now()): ManualClock {
  let t = typeof start === "string" ? Date.parse(start) : start;
  return {
    now: () => t,
    set: (ms) => {
      t = ms;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** The pattern {@link parseDuration} accepts: a number and an optional unit (ms, s, m, h, d). */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

/**
 * `500ms`, `30s`, `15m`, `1h`, `7d`, or a bare number of seconds → milliseconds.
 *
 * @throws VALIDATION_FAILED naming `label` for anything else
 * @example
 * parseDuration("90d"); // 7776000000
 */
export function parseDuration(text: string, label = "duration"): number {
  const m = DURATION_PATTERN.exec(text.trim());
  if (!m) {
    const message = `must be a duration such as 30s, 15m, 1h or 7d, got ${JSON.stringify(text.slice(0, 64))}`;
    throw new ValidationError(`${label}: ${message}`, { issues: [{ path: label, message }] });
  }
  return Math.round(Number(m[1]) * DURATION_UNITS[m[2] ?? "s"]!);
}
