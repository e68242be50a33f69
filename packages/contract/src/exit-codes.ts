import type { ErrorCode } from "@tta-dev/core";

/**
 * The process exit code of every error code: the `tta` command line and the start-up failures of
 * `tta-http` and `tta-mcp` exit with these. `0` is success; `tta paf validate` alone also exits 1 for
 * warnings and 2 for errors.
 */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = Object.freeze({
  VALIDATION_FAILED: 2,
  NAME_INVALID: 2,
  LIMIT_EXCEEDED: 2,
  PAF_PARSE_ERROR: 2,
  SESSION_NOT_FOUND: 3,
  GROUP_NOT_FOUND: 3,
  MEMORY_NOT_FOUND: 3,
  PAF_FILE_NOT_FOUND: 3,
  ALREADY_EXISTS: 4,
  SESSION_NOT_ACTIVE: 4,
  GROUP_NOT_ACTIVE: 4,
  INVALID_TRANSITION: 4,
  VERSION_CONFLICT: 4,
  NOT_SUPPORTED: 5,
  BACKEND_UNAVAILABLE: 5,
  BACKEND_CORRUPT: 5,
  UNAUTHORIZED: 6,
  FORBIDDEN: 6,
  INTERNAL: 70,
});

/**
 * The exit code of an error code; unknown codes count as `INTERNAL`.
 *
 * @example
 * process.exitCode = exitCodeFor(toTtaError(err).code);
 */
export function exitCodeFor(code: string): number {
  return Object.hasOwn(EXIT_CODES, code) ? EXIT_CODES[code as ErrorCode] : EXIT_CODES.INTERNAL;
}
