import { findJsonProblem, MAX_JSON_DEPTH } from "../json-check.js";
import { MAX_LIST_LIMIT } from "../keys.js";
import { INPUT_CAPS } from "../limits.js";
import type { Metadata } from "./common.js";
import { MessageRole } from "./session.js";

// Plain checks of the two hottest inputs (one message to append, a page of messages to list), for
// the common shape only: strings, small integers, plain JSON metadata. They return what the
// schema's parse returns, or `null` for anything else, which then takes the schema (and gets its
// error). Tests hold them to the schemas on generated input.

const NESTED_METADATA = { maxDepth: MAX_JSON_DEPTH - 1 };
const ROLES: ReadonlySet<unknown> = new Set(MessageRole.options);
const NOT_BLANK = /\S/;

/** The output of `MessageItemInput` extended by `sessionId`. */
export interface QuickMessageAppend {
  sessionId: string;
  role: MessageRole;
  content: string;
  metadata?: Metadata;
  idempotencyKey?: string;
}

/** The output of `MessageListInput` without `since`. */
export interface QuickMessageList {
  sessionId: string;
  last?: number;
  afterSeq?: number;
  limit?: number;
  cursor?: string;
}

function isPlainRecord(raw: unknown): raw is Record<string, unknown> {
  if (typeof raw !== "object" || raw === null) return false;
  const proto = Object.getPrototypeOf(raw);
  return proto === Object.prototype || proto === null;
}

/**
 * What `Metadata` accepts inside an input that `assertPlainJson` accepts: a plain JSON object, no
 * prototype-reaching key, nested within the input's depth limit (the input is one level above it).
 */
function isInputMetadata(value: unknown): boolean {
  if (!isPlainRecord(value)) return false;
  for (const _ in value) return findJsonProblem(value, NESTED_METADATA) === null;
  return true;
}

const LIST_OPTIONS: ReadonlySet<string> = new Set(["last", "afterSeq", "limit", "cursor"]);

const isPageLimit = (n: unknown): boolean =>
  typeof n === "number" && Number.isSafeInteger(n) && n >= 1 && n <= MAX_LIST_LIMIT;

/**
 * What `MessageItemInput.extend({ sessionId: SessionIdField })` parses `raw` to, when `raw` is a
 * plain object of strings and plain JSON metadata; `null` otherwise.
 */
export function quickMessageAppend(raw: unknown): QuickMessageAppend | null {
  if (!isPlainRecord(raw)) return null;
  let sessionId: unknown;
  let role: unknown;
  let content: unknown;
  let metadata: unknown;
  let idempotencyKey: unknown;
  for (const key in raw) {
    const value = raw[key];
    switch (key) {
      case "sessionId":
        sessionId = value;
        break;
      case "role":
        role = value;
        break;
      case "content":
        content = value;
        break;
      case "metadata":
        metadata = value;
        break;
      case "idempotencyKey":
        idempotencyKey = value;
        break;
      default:
        return null;
    }
  }
  if (typeof sessionId !== "string" || typeof content !== "string" || !NOT_BLANK.test(content)) return null;
  if (role !== undefined && !ROLES.has(role)) return null;
  if (metadata !== undefined && !isInputMetadata(metadata)) return null;
  if (
    idempotencyKey !== undefined &&
    (typeof idempotencyKey !== "string" ||
      idempotencyKey.length < 1 ||
      idempotencyKey.length > INPUT_CAPS.idempotencyKey)
  ) {
    return null;
  }
  const out: QuickMessageAppend = { sessionId, role: (role ?? "user") as MessageRole, content };
  // The schema passes metadata through as given (the store copies what it keeps).
  if (metadata !== undefined) out.metadata = metadata as Metadata;
  if (idempotencyKey !== undefined) out.idempotencyKey = idempotencyKey as string;
  return out;
}

/**
 * What `MessageListInput` parses `raw` to, when `raw` is a plain object without `since`; `null`
 * otherwise.
 */
export function quickMessageList(raw: unknown): QuickMessageList | null {
  if (!isPlainRecord(raw)) return null;
  const out: QuickMessageList = { sessionId: "" };
  let sessionId: unknown;
  for (const key in raw) {
    const value = raw[key];
    // An optional field given as `undefined` is absent.
    if (value === undefined && LIST_OPTIONS.has(key)) continue;
    switch (key) {
      case "sessionId":
        sessionId = value;
        break;
      case "last":
      case "limit":
        if (!isPageLimit(value)) return null;
        out[key] = value as number;
        break;
      case "afterSeq":
        if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) return null;
        out.afterSeq = value;
        break;
      case "cursor":
        if (typeof value !== "string" || value.length < 1 || value.length > INPUT_CAPS.cursor) return null;
        out.cursor = value;
        break;
      default:
        return null;
    }
  }
  if (typeof sessionId !== "string") return null;
  out.sessionId = sessionId;
  return out;
}
