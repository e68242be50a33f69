import type { ErrorCode, JsonValue, Limits } from "@tta-dev/core";
import type { z } from "zod";

/** How a CLI value is turned into an input field before the input schema sees it. */
export type CliValueType =
  /** taken as given */
  | "string"
  /** a base-10 integer */
  | "integer"
  /** a finite number */
  | "number"
  /** a flag without value; sets the field to `value` (default `true`) */
  | "boolean"
  /** parsed as JSON */
  | "json"
  /** `500ms`, `30s`, `15m`, `1h`, `7d` or a bare number of seconds; becomes milliseconds */
  | "duration"
  /** `key=value` words merged into one object; `value` is JSON when it parses as JSON, else a string */
  | "keyvalue";

/** One `--flag` of a command. The key in {@link CliBinding.flags} is the flag name in kebab-case. */
export interface CliFlag {
  /** The input field it fills. */
  field: string;
  type: CliValueType;
  description: string;
  /** Placeholder in help, e.g. `T` in `--title <T>`. */
  valueName?: string;
  /** May be given several times; the field receives an array. */
  repeatable?: boolean;
  /** Allowed values, shown in help (the input schema is what enforces them). */
  choices?: readonly string[];
  /** For `boolean` flags: the value the field takes when the flag is present. */
  value?: JsonValue;
}

/** One positional argument of a command. */
export interface CliPositional {
  /** Name shown in help, e.g. `session`. */
  name: string;
  /** The input field it fills. */
  field: string;
  description: string;
  type?: CliValueType;
  /** Default true. A positional that may come from stdin is never required on the command line. */
  required?: boolean;
  /** Takes every remaining word (`keyvalue` merges them). */
  variadic?: boolean;
}

/** How an operation appears on the command line. */
export interface CliBinding {
  /** Command words after `tta`, e.g. `["session", "create"]`. */
  words: readonly string[];
  /** One-line description; defaults to the operation summary. */
  summary?: string;
  positionals: readonly CliPositional[];
  flags: Readonly<Record<string, CliFlag>>;
  /** The field that is read from stdin when its positional is omitted and stdin is not a terminal. */
  stdin?: string;
  /** Fields this command always sets (e.g. `tta group close` sets `status: "closed"`). */
  fixed?: Readonly<Record<string, JsonValue>>;
  /** A complete command line shown in help. */
  example: string;
}

/** HTTP methods used by the contract. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Token scope an HTTP route needs. */
export type Scope = "read" | "write" | "admin";

/**
 * A body that is a stream of bytes instead of JSON (a bundle), by media type. The first type is the
 * one used when the caller asks for none.
 */
export interface StreamBody {
  mediaTypes: readonly [string, ...string[]];
}

/**
 * How an operation appears over HTTP. Path parameters (`{sessionId}`) fill the input field of the same
 * name; for GET and DELETE the other fields come from the query string, otherwise from the JSON body.
 * An operation with a `requestStream` takes its input fields from the query string and the stream as
 * the request body ({@link HandlerContext.body}); one with a `responseStream` answers its output's
 * `body` as the response body instead of JSON.
 */
export interface HttpBinding {
  method: HttpMethod;
  path: string;
  /** Success status; default 200. */
  status?: 200 | 201;
  scope: Scope;
  requestStream?: StreamBody;
  responseStream?: StreamBody;
}

/** A size or count limit the apps check against the configured {@link Limits} before calling a handler. */
export interface LimitRule {
  /** Dotted path into the input; `*` walks every array element (e.g. `messages.*.content`). */
  path: string;
  limit: keyof Limits;
  /** `bytes`: UTF-8 length of a string; `jsonBytes`: of its JSON; `count`: array length or object keys. */
  measure: "bytes" | "jsonBytes" | "count";
}

/**
 * Id fields checked before the schema, so that a hostile id fails `NAME_INVALID` early:
 * `session` (safe id under every naming policy), `session-new` (the configured naming policy),
 * `group` (kebab-case or a legacy safe id), `group-new` (kebab-case), `memory` (`mem_` + ULID).
 */
export type IdKind = "session" | "session-new" | "group" | "group-new" | "memory";

/** What one declares about an operation. */
export interface OperationSpec<N extends string, I extends z.ZodType, O extends z.ZodType> {
  name: N;
  summary: string;
  input: I;
  output: O;
  /** Codes the operation can raise besides {@link COMMON_ERRORS}. */
  errors: readonly ErrorCode[];
  http: HttpBinding;
  /**
   * One binding, or several when one operation has several commands (`group close|reopen|archive`).
   * None (`[]`) when the CLI serves it by a command of its own (a streamed operation: files, gzip).
   */
  cli: CliBinding | readonly CliBinding[];
  ids?: Readonly<Record<string, IdKind>>;
  limits?: readonly LimitRule[];
}

/** A declared operation; `cli` is always a list and `errors` includes {@link COMMON_ERRORS}. */
export interface Operation<
  N extends string = string,
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
> extends Omit<OperationSpec<N, I, O>, "cli"> {
  cli: readonly CliBinding[];
  ids: Readonly<Record<string, IdKind>>;
  limits: readonly LimitRule[];
}

/** Codes every operation may raise: bad input, an unreachable or corrupt store, a bug. */
export const COMMON_ERRORS: readonly ErrorCode[] = [
  "VALIDATION_FAILED",
  "BACKEND_UNAVAILABLE",
  "BACKEND_CORRUPT",
  "INTERNAL",
];

/**
 * Declare one operation. Pure data: the handler lives in `@tta-dev/workflow`.
 *
 * @example
 * export const sessionGet = defineOperation({
 *   name: "session.get",
 *   summary: "Show one session.",
 *   input: z.object({ id: SessionIdField }),
 *   output: Session,
 *   errors: ["NAME_INVALID", "SESSION_NOT_FOUND"],
 *   http: { method: "GET", path: "/v1/sessions/{id}", scope: "read" },
 *   cli: { words: ["session", "show"], positionals: [{ name: "id", field: "id", description: "Session id" }],
 *          flags: {}, example: "tta session show auth-design-2025-10-01" },
 *   ids: { id: "session" },
 * });
 */
export function defineOperation<const N extends string, I extends z.ZodType, O extends z.ZodType>(
  spec: OperationSpec<N, I, O>,
): Operation<N, I, O> {
  const errors = [...new Set([...COMMON_ERRORS, ...spec.errors])];
  return {
    ...spec,
    errors,
    cli: Array.isArray(spec.cli) ? spec.cli : [spec.cli as CliBinding],
    ids: spec.ids ?? {},
    limits: spec.limits ?? [],
  };
}

/** True when the operation streams its request or its response body (`system.import`, `system.export`). */
export function isStreamed(op: Pick<Operation, "http">): boolean {
  return op.http.requestStream !== undefined || op.http.responseStream !== undefined;
}
