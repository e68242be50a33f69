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
