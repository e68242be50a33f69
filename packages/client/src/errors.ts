import { type ErrorCode, type ErrorDetails, TtaError, ValidationError } from "@tta-dev/core";

/**
 * An error answered by the server: its code, message and details exactly as sent, and the HTTP status
 * apart (a domain detail may itself be called `status`).
 */
export class TtaHttpError extends TtaError {
  /** The HTTP status of the answer. */
  readonly status: number;

  constructor(status: number, code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(code, message, details);
    this.status = status;
  }
}

/**
 * A call named an operation the contract does not declare (possible from JavaScript or through a
 * cast). `VALIDATION_FAILED`, as the server answers an unknown route; thrown before any request.
 */
export class UnknownOperationError extends ValidationError {
  /** The name that was given. */
  readonly operation: string;

  constructor(name: unknown) {
    const operation = String(name);
    super(`Unknown operation ${JSON.stringify(operation)}: it is not in the tta contract.`, { operation });
    this.operation = operation;
  }
}
