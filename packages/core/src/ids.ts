import { NameInvalidError, ValidationError } from "./errors.js";

/** How strictly session ids must follow `{component}-{purpose}-{date}`. */
export type NamingPolicy = "strict" | "warn" | "off";
export const NAMING_POLICIES: readonly NamingPolicy[] = ["strict", "warn", "off"];

/** The parts of a session name that follow the pattern. */
export interface SessionNameParts {
  component: string;
  purpose: string;
  date: string;
}

export const SESSION_NAME_PATTERN = "{component}-{purpose}-{YYYY-MM-DD}";
export const SESSION_NAME_EXAMPLE = "user-prefs-feature-2025-10-28";
export const MAX_SESSION_ID_LENGTH = 128;
export const MAX_GROUP_ID_LENGTH = 64;

const SEGMENT = /^[a-z0-9]+$/;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const GROUP_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const TAG = /^[a-z0-9][a-z0-9._:/-]{0,63}$/;
const MEMORY_ID = /^mem_[0-9A-HJKMNP-TV-Z]{26}$/;

/** True when `y-m-d` is a real calendar date (no Feb 30th). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/**
 * Parse a session name of the form `{component}-{purpose}-{YYYY-MM-DD}`; `null` when it does not
 * follow the pattern.
 *
 * @example
 * parseSessionName("agent-orchestration-refactor-2025-10-28")
 * // { component: "agent-orchestration", purpose: "refactor", date: "2025-10-28" }
 */
export function parseSessionName(id: string): SessionNameParts | null {
  if (id.length > MAX_SESSION_ID_LENGTH) return null;
  const segments = id.split("-");
  if (segments.length < 5) return null;
  const [y, m, d] = segments.slice(-3) as [string, string, string];
  if (!/^\d{4}$/.test(y) || !/^\d{2}$/.test(m) || !/^\d{2}$/.test(d)) return null;
  if (!isCalendarDate(Number(y), Number(m), Number(d))) return null;
  const before = segments.slice(0, -3);
  if (!before.every((s) => SEGMENT.test(s))) return null;
  return {
    component: before.slice(0, -1).join("-"),
    purpose: before[before.length - 1]!,
    date: `${y}-${m}-${d}`,
  };
}

/**
 * True for ids that are safe as file names and keys under any policy:
 * `[A-Za-z0-9][A-Za-z0-9._-]{0,127}` and no `..`.
 */
export function isSafeId(id: unknown): id is string {
  return typeof id === "string" && SAFE_ID.test(id) && !id.includes("..");
}

/** Describe a rejected id without echoing control characters back. */
function shown(id: unknown): string {
  if (typeof id !== "string") return String(typeof id);
  const printable = id.replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return JSON.stringify(printable.length > 60 ? `${printable.slice(0, 60)}…` : printable);
}

/** The result of checking a session id: its parts when it follows the pattern, and any warning. */
export interface SessionIdCheck {
  id: string;
  parts: SessionNameParts | null;
  warning?: string;
}

/**
 * Check a session id under a naming policy. `strict` demands the pattern; `warn` accepts any safe id
 * with a warning; `off` accepts any safe id. Unsafe ids fail under every policy.
 *
 * @throws NameInvalidError
 */
export function checkSessionId(id: unknown, policy: NamingPolicy = "strict"): SessionIdCheck {
  const parts = typeof id === "string" ? parseSessionName(id) : null;
  if (parts) return { id: id as string, parts };
  if (policy === "strict" || !isSafeId(id)) {
    const why = !isSafeId(id)
      ? "it must be 1-128 characters of letters, digits, '.', '_' or '-', start with a letter or digit, and not contain '..'"
      : `it must follow ${SESSION_NAME_PATTERN}: lower-case [a-z0-9] segments joined by '-', at least two before a real date`;
    throw new NameInvalidError(`Invalid session id ${shown(id)}: ${why}. Example: ${SESSION_NAME_EXAMPLE}.`, {
      field: "sessionId",
      pattern: SESSION_NAME_PATTERN,
      example: SESSION_NAME_EXAMPLE,
      policy,
    });
  }
  return policy === "warn"
    ? {
        id,
        parts: null,
        warning: `Session id "${id}" does not follow ${SESSION_NAME_PATTERN} (e.g. ${SESSION_NAME_EXAMPLE}).`,
      }
    : { id, parts: null };
}

/** True for a group id: lower-case kebab-case, at most 64 characters. */
export function isGroupId(id: unknown): id is string {
  return typeof id === "string" && id.length <= MAX_GROUP_ID_LENGTH && GROUP_ID.test(id);
}

/**
 * Check a new group's name. Groups read from older stores may carry any safe id; new ones follow
 * kebab-case.
 *
 * @throws NameInvalidError
 */
export function checkGroupId(id: unknown, options: { legacy?: boolean; field?: string } = {}): string {
  if (isGroupId(id) || (options.legacy && isSafeId(id))) return id as string;
  throw new NameInvalidError(
    `Invalid group name ${shown(id)}: use lower-case kebab-case ([a-z0-9] words joined by '-'), at most ${MAX_GROUP_ID_LENGTH} characters. Example: ${GROUP_NAME_EXAMPLE}.`,
    { field: options.field ?? "groupId", pattern: GROUP_NAME_PATTERN, example: GROUP_NAME_EXAMPLE },
  );
}

export const GROUP_NAME_PATTERN = "lower-case kebab-case, at most 64 characters";
export const GROUP_NAME_EXAMPLE = "user-preferences-system";
export const MEMORY_ID_PATTERN = "mem_ followed by a 26-character ULID";
export const MEMORY_ID_EXAMPLE = "mem_01JD2XKQ3V4W5X6Y7Z8A9B0C1D";
export const NAMESPACE_PATTERN = "1-64 of [A-Za-z0-9._-], starting with a letter or digit, no '..'";
export const NAMESPACE_EXAMPLE = "team-a";

/**
 * Check a deep-memory id.
 *
 * @throws NameInvalidError with the pattern and an example
 */
export function checkMemoryId(id: unknown, field = "id"): string {
  if (isMemoryId(id)) return id;
  throw new NameInvalidError(
    `Invalid memory id ${shown(id)}: it must be ${MEMORY_ID_PATTERN}. Example: ${MEMORY_ID_EXAMPLE}.`,
    { field, pattern: MEMORY_ID_PATTERN, example: MEMORY_ID_EXAMPLE },
  );
}

/** True for a deep-memory id: `mem_` and a ULID. */
export function isMemoryId(id: unknown): id is string {
  return typeof id === "string" && MEMORY_ID.test(id);
}

/**
 * A namespace: 1-64 of `[A-Za-z0-9._-]`, starting with a letter or digit, no `..` (a safe id of at
 * most 64 characters). Its `source` is the pattern the OpenAPI document gives the namespace header.
 */
export const NAMESPACE_REGEX = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** True for a namespace: a safe id of at most 64 characters ({@link NAMESPACE_REGEX}). */
export function isNamespace(ns: unknown): ns is string {
  return typeof ns === "string" && NAMESPACE_REGEX.test(ns);
}

/** @throws NameInvalidError when `ns` is not a valid namespace. */
export function checkNamespace(ns: unknown): string {
  if (isNamespace(ns)) return ns;
  throw new NameInvalidError(
    `Invalid namespace ${shown(ns)}: 1-64 characters of letters, digits, '.', '_' or '-', not starting with '.', '_' or '-', no '..'. Example: ${NAMESPACE_EXAMPLE}.`,
    { field: "namespace", pattern: NAMESPACE_PATTERN, example: NAMESPACE_EXAMPLE },
  );
}

/** True for a normalised tag: `[a-z0-9][a-z0-9._:/-]{0,63}`. */
export function isTag(tag: unknown): tag is string {
  return typeof tag === "string" && TAG.test(tag);
}

/**
 * Lower-case, de-duplicate and check tags, keeping first-seen order.
 *
 * @throws ValidationError naming the bad tag
 */
export function normalizeTags(tags: readonly unknown[], field = "tags"): string[] {
  const out: string[] = [];
  tags.forEach((raw, i) => {
    const tag = typeof raw === "string" ? raw.trim().toLowerCase() : raw;
    if (!isTag(tag)) {
      throw new ValidationError(
        `Invalid tag ${shown(raw)} at ${field}.${i}: tags are 1-64 characters of [a-z0-9._:/-] starting with a letter or digit.`,
        { issues: [{ path: `${field}.${i}`, message: "invalid tag" }] },
      );
    }
    if (!out.includes(tag)) out.push(tag);
  });
  return out;
}
