import { ValidationError } from "@tta-dev/core";

/** Limits of the group store beyond the shared ones of core (`Limits`). */
export interface GroupLimits {
  /** Members per group; adding one more fails `LIMIT_EXCEEDED`. */
  sessionsPerGroup: number;
  /** UTF-8 bytes of a description. */
  descriptionBytes: number;
  /** UTF-8 bytes of a summary. */
  summaryBytes: number;
}

/** The defaults: 10 000 members, 16 KiB descriptions and summaries. */
export const DEFAULT_GROUP_LIMITS: Readonly<GroupLimits> = Object.freeze({
  sessionsPerGroup: 10_000,
  descriptionBytes: 16 * 1024,
  summaryBytes: 16 * 1024,
});

/**
 * Merge overrides over {@link DEFAULT_GROUP_LIMITS}.
 *
 * @throws ValidationError for an unknown limit or a value that is not a positive integer
 */
export function resolveGroupLimits(overrides: Partial<GroupLimits> = {}): GroupLimits {
  const out: GroupLimits = { ...DEFAULT_GROUP_LIMITS };
  for (const [k, v] of Object.entries(overrides)) {
    const path = `groupLimits.${k}`;
    if (!Object.hasOwn(DEFAULT_GROUP_LIMITS, k)) {
      throw new ValidationError(`${path}: unknown limit`, { issues: [{ path, message: "unknown limit" }] });
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
      throw new ValidationError(`${path}: must be a positive integer`, {
        issues: [{ path, message: "must be a positive integer" }],
      });
    }
    out[k as keyof GroupLimits] = v;
  }
  return out;
}
