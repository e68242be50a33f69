/** Every error code tta can raise. Apps map these to HTTP statuses and exit codes. */
export const ErrorCode = {
  VALIDATION_FAILED: "VALIDATION_FAILED",
  NAME_INVALID: "NAME_INVALID",
  LIMIT_EXCEEDED: "LIMIT_EXCEEDED",
  SESSION_NOT_FOUND: "SESSION_NOT_FOUND",
  GROUP_NOT_FOUND: "GROUP_NOT_FOUND",
  MEMORY_NOT_FOUND: "MEMORY_NOT_FOUND",
  PAF_FILE_NOT_FOUND: "PAF_FILE_NOT_FOUND",
  ALREADY_EXISTS: "ALREADY_EXISTS",
  SESSION_NOT_ACTIVE: "SESSION_NOT_ACTIVE",
  GROUP_NOT_ACTIVE: "GROUP_NOT_ACTIVE",
  INVALID_TRANSITION: "INVALID_TRANSITION",
  VERSION_CONFLICT: "VERSION_CONFLICT",
  PAF_PARSE_ERROR: "PAF_PARSE_ERROR",
  NOT_SUPPORTED: "NOT_SUPPORTED",
  BACKEND_UNAVAILABLE: "BACKEND_UNAVAILABLE",
  BACKEND_CORRUPT: "BACKEND_CORRUPT",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  INTERNAL: "INTERNAL",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** All error codes, in declaration order. */
export const ERROR_CODES: readonly ErrorCode[] = Object.values(ErrorCode);

/** JSON-safe details attached to an error. */
export type ErrorDetails = { [key: string]: unknown };

/** The serialised form of every tta error: no stack, no cause. */
export interface ErrorJson {
  code: ErrorCode;
  message: string;
  details: ErrorDetails;
}

const BRAND = Symbol.for("@tta-dev/core/error");

/**
 * Base class of every tta error. Detect it with {@link isTtaError} (a brand survives duplicated
 * package copies, `instanceof` does not) and switch on `code`.
 *
 * @example
 * throw new TtaError("VALIDATION_FAILED", "limit: must be at most 100", { path: "limit" });
 */
export class TtaError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;
  readonly [BRAND] = true;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  /** `{ code, message, details }`: never the stack or the cause. */
  toJSON(): ErrorJson {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** True for any tta error, whichever copy of this package created it. */
export function isTtaError(value: unknown): value is TtaError {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { [BRAND]?: unknown })[BRAND] === true &&
    typeof (value as { code?: unknown }).code === "string"
  );
}

/** True when `value` is a tta error with the given code. */
export function hasErrorCode(value: unknown, code: ErrorCode): value is TtaError {
  return isTtaError(value) && value.code === code;
}

/** Normalise anything thrown into a tta error; unknown throwables become `INTERNAL`. */
export function toTtaError(value: unknown): TtaError {
  if (isTtaError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new InternalError(`Unexpected error: ${message}`, {}, { cause: value });
}

type Opts = { cause?: unknown };

/** Input failed its schema; `details.issues` lists `{ path, message }`. */
export class ValidationError extends TtaError {
  constructor(message: string, details: ErrorDetails = {}, options?: Opts) {
    super(ErrorCode.VALIDATION_FAILED, message, details, options);
  }
}
/** A session, group or other id does not follow its naming rule. */
export class NameInvalidError extends TtaError {
  constructor(message: string, details: ErrorDetails = {}, options?: Opts) {
    super(ErrorCode.NAME_INVALID, message, details, options);
  }
}
/** A size or count limit would be exceeded; nothing was written. */
export class LimitExceededError extends TtaError {
  constructor(message: string, details: ErrorDetails = {}, options?: Opts) {
    super(ErrorCode.LIMIT_EXCEEDED, message, details, options);
  }
}
/** The session does not exist in this namespace. */
export class SessionNotFoundError extends TtaError {
  constructor(sessionId: string, namespace?: string) {
    super(
      ErrorCode.SESSION_NOT_FOUND,
      `Session "${sessionId}" not found${namespace ? ` in namespace "${namespace}"` : ""}. Create it first or check the id.`,
      { sessionId, ...(namespace ? { namespace } : {}) },
    );
  }
}
/** The group does not exist in this namespace. */
export class GroupNotFoundError extends TtaError {
  constructor(groupId: string, namespace?: string) {
    super(
      ErrorCode.GROUP_NOT_FOUND,
      `Group "${groupId}" not found${namespace ? ` in namespace "${namespace}"` : ""}.`,
      { groupId, ...(namespace ? { namespace } : {}) },
    );
  }
}
/** The deep memory does not exist in this namespace. */
export class MemoryNotFoundError extends TtaError {
  constructor(memoryId: string) {
    super(ErrorCode.MEMORY_NOT_FOUND, `Memory "${memoryId}" not found.`, { memoryId });
  }
}
/** No PAFCORE.md was found; `details.searched` lists where it looked. */
export class PafFileNotFoundError extends TtaError {
  constructor(searched: string[]) {
    super(
      ErrorCode.PAF_FILE_NOT_FOUND,
      `No PAFCORE.md found. Looked in: ${searched.join(", ")}. Create one (tta init) or set pafPath.`,
      { searched },
    );
  }
}
/** Something with this id already exists. */
export class AlreadyExistsError extends TtaError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(ErrorCode.ALREADY_EXISTS, message, details);
  }
}
/** The session is completed or archived and takes no more writes of this kind. */
export class SessionNotActiveError extends TtaError {
  constructor(sessionId: string, status: string) {
    super(
      ErrorCode.SESSION_NOT_ACTIVE,
      `Session "${sessionId}" is ${status}; only active sessions accept this change.`,
      { sessionId, status },
    );
  }
}
/** The group is closed or archived and takes no new members. */
export class GroupNotActiveError extends TtaError {
  constructor(groupId: string, status: string) {
    super(
      ErrorCode.GROUP_NOT_ACTIVE,
      `Group "${groupId}" is ${status}; only active groups accept new sessions (reopen it first).`,
      { groupId, status },
    );
  }
}
/** A lifecycle transition that the state machine forbids. */
export class InvalidTransitionError extends TtaError {
  constructor(entity: string, id: string, from: string, to: string, allowed: readonly string[]) {
    super(
      ErrorCode.INVALID_TRANSITION,
      `Cannot move ${entity} "${id}" from ${from} to ${to}${allowed.length ? `; from ${from} it may go to: ${allowed.join(", ")}` : `; ${from} is final`}.`,
      { entity, id, from, to, allowed: [...allowed] },
    );
  }
}
/** `ifVersion` did not match; `details.currentVersion` is what is stored now (0: absent). */
export class VersionConflictError extends TtaError {
  constructor(what: string, expected: number, currentVersion: number) {
    super(
      ErrorCode.VERSION_CONFLICT,
      `${what}: expected version ${expected} but the stored version is ${currentVersion === 0 ? "absent" : currentVersion}. Re-read and retry.`,
      { expected, currentVersion },
    );
  }
}
/** PAFCORE.md could not be parsed. */
export class PafParseError extends TtaError {
  constructor(message: string, details: ErrorDetails = {}, options?: Opts) {
    super(ErrorCode.PAF_PARSE_ERROR, message, details, options);
  }
}
/** The backend lacks a capability the caller asked for. */
export class NotSupportedError extends TtaError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(ErrorCode.NOT_SUPPORTED, message, details);
  }
}
/** The store cannot be reached (within the configured time). */
export class BackendUnavailableError extends TtaError {
  constructor(message: string, details: ErrorDetails = {}, options?: Opts) {
    super(ErrorCode.BACKEND_UNAVAILABLE, message, details, options);
  }
}
/** Data read back from the store failed validation; `details` names the place. */
export class BackendCorruptError extends TtaError {
  constructor(message: string, details: ErrorDetails = {}, options?: Opts) {
    super(ErrorCode.BACKEND_CORRUPT, message, details, options);
  }
}
/** No or an unknown credential. */
export class UnauthorizedError extends TtaError {
  constructor(message = "A valid bearer token is required.", details: ErrorDetails = {}) {
    super(ErrorCode.UNAUTHORIZED, message, details);
  }
}
/** The credential lacks the scope or namespace for this operation. */
export class ForbiddenError extends TtaError {
  constructor(message: string, details: ErrorDetails = {}) {
    super(ErrorCode.FORBIDDEN, message, details);
  }
}
/** A bug or an unexpected failure. */
export class InternalError extends TtaError {
  constructor(message: string, details: ErrorDetails = {}, options?: Opts) {
    super(ErrorCode.INTERNAL, message, details, options);
  }
}
