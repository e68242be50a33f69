import type { ErrorCode } from "@tta-dev/core";

/**
 * The HTTP status of every error code: the one table the HTTP server answers with and the OpenAPI
 * document lists. Beside each operation's HTTP binding, so that the edge maps codes and holds no table.
 *
 * @example
 * buildOpenApi({ errorStatus: HTTP_STATUS });
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  VALIDATION_FAILED: 400,
  NAME_INVALID: 400,
  LIMIT_EXCEEDED: 413,
  SESSION_NOT_FOUND: 404,
  GROUP_NOT_FOUND: 404,
  MEMORY_NOT_FOUND: 404,
  PAF_FILE_NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  SESSION_NOT_ACTIVE: 409,
  GROUP_NOT_ACTIVE: 409,
  INVALID_TRANSITION: 409,
  VERSION_CONFLICT: 409,
  PAF_PARSE_ERROR: 422,
  NOT_SUPPORTED: 501,
  BACKEND_UNAVAILABLE: 503,
  BACKEND_CORRUPT: 500,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  INTERNAL: 500,
});
