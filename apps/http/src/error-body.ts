import type { ErrorJson, TtaError } from "@tta-dev/core";
import type { Logger } from "pino";
import { errorRedactor, REDACTED_CODES } from "./redact.js";

/** The body of every error answer: `{ error: { code, message, details } }`. */
export interface ErrorBody {
  error: ErrorJson;
}

/** Builds an error answer's body for a request, logging what the body leaves out. */
export type ErrorBodyOf = (e: TtaError, requestId: string, op?: string) => ErrorBody;

/**
 * The one place an error becomes what a client sees. `INTERNAL` is answered with the request id
 * only; a backend's errors lose the server's paths, addresses and key names (see
 * {@link errorRedactor}). Both are logged whole, with the request id, so that an operator can find
 * what the client was not shown.
 */
export function createErrorBody(options: { logger: Logger; dataDir?: string }): ErrorBodyOf {
  const redact = errorRedactor(options.dataDir);
  const { logger } = options;
  return (e, requestId, op) => {
    if (e.code === "INTERNAL") {
      logger.error({ requestId, ...(op ? { op } : {}), err: { code: e.code, message: e.message } });
      return {
        error: { code: e.code, message: `Internal error (request ${requestId}).`, details: {} },
      };
    }
    if (REDACTED_CODES.has(e.code)) {
      logger.error(
        { requestId, ...(op ? { op } : {}), err: e.toJSON() },
        "backend error (redacted in the answer)",
      );
    }
    return { error: redact(e) };
  };
}
