import { z } from "zod";
import { MAX_SESSION_ID_LENGTH } from "../ids.js";
import { FORBIDDEN_KEYS } from "../json-check.js";
import { MAX_LIST_LIMIT } from "../keys.js";
import { INPUT_CAPS, MAX_CACHE_TTL_MS, MIN_CACHE_TTL_MS } from "../limits.js";
import { isRealDateTime } from "./common.js";
import { MemoryKind } from "./memory.js";

// The one schema of each input field. `@tta-dev/contract` builds its operations from these and
// `@tta-dev/memory` and `@tta-dev/groups` their calls, so that a field has one rule and one limit
// whichever entry a caller uses.

/**
 * A session id as given. Its rule and length (at most 128 characters) are the id check's
 * (`checkSessionId`), which fails `NAME_INVALID` at every entry; the schema only asks for a string.
 */
export const SessionIdField = z.string().meta({ maxLength: MAX_SESSION_ID_LENGTH });

/** A group id (its name) as given; `checkGroupId` holds it to the naming rule (`NAME_INVALID`). */
export const GroupIdField = z.string().meta({ maxLength: 128 });

/** A deep-memory id: `mem_` and a ULID. */
export const MemoryIdField = z
  .string()
  .regex(/^mem_[0-9A-HJKMNP-TV-Z]{26}$/, "must be mem_ followed by a ULID");

/** One tag as given; the store trims, lower-cases and checks it against the tag rule. */
export const TagField = z
  .string()
  .min(1, "a tag must not be empty")
  .max(INPUT_CAPS.tag, `a tag has at most ${INPUT_CAPS.tag} characters`);

/** A list of tags as given. */
export const TagsField = z
  .array(TagField)
  .max(INPUT_CAPS.tagsPerList, `at most ${INPUT_CAPS.tagsPerList} tags may be given`);

/** How several tags combine in a filter: every tag (`all`) or at least one (`any`). */
export const TagModeField = z.enum(["all", "any"]);

/** The version the caller last saw; a mismatch fails `VERSION_CONFLICT` (`0`: must not exist). */
export const IfVersionField = z.number().int().min(0);

/** An opaque `nextCursor` from a previous page. */
export const CursorField = z
  .string()
  .min(1)
  .max(INPUT_CAPS.cursor, `a cursor has at most ${INPUT_CAPS.cursor} characters`);

/** Page size of a list. */
export const PageLimitField = z.number().int().min(1).max(MAX_LIST_LIMIT);

/** A session title. */
export const TitleField = z
  .string()
  .max(INPUT_CAPS.title, `a title has at most ${INPUT_CAPS.title} characters`);

/** What a group is for. */
export const DescriptionField = z
  .string()
  .max(INPUT_CAPS.description, `a description has at most ${INPUT_CAPS.description} characters`);

/** What a group achieved. */
export const SummaryField = z
  .string()
  .max(INPUT_CAPS.summary, `a summary has at most ${INPUT_CAPS.summary} characters`);

/** The `component` filter of a session list. */
export const ComponentField = z.string().min(1).max(INPUT_CAPS.component);

/** Importance from 0 to 1. */
export const ImportanceField = z.number().min(0).max(1);

/** Text that must hold something besides white space (a message, a memory, a lesson). */
export const TextField = z.string().refine((s) => /\S/.test(s), "must not be empty");

/** A lesson learnt: its text, or the text with its own tags and importance. */
export const LessonField = z.union([
  TextField,
  z.strictObject({
    content: TextField,
    tags: TagsField.optional(),
    importance: ImportanceField.optional(),
  }),
]);

/** The lessons of one `session.complete`. */
export const LessonsField = z
  .array(LessonField)
  .max(INPUT_CAPS.lessons, `at most ${INPUT_CAPS.lessons} lessons may be given at once`);

/** A message's idempotency key: a retry with the same key returns the original message. */
export const IdempotencyKeyField = z.string().min(1).max(INPUT_CAPS.idempotencyKey);

/** An ISO-8601 instant, e.g. `2026-11-25T12:00:00.000Z` (any offset; compared as an instant). */
export const InstantField = z
  .string()
  .refine(
    (s) =>
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) &&
      isRealDateTime(s) &&
      !Number.isNaN(Date.parse(s)),
    "must be an ISO-8601 date or date-time with a zone, e.g. 2026-11-25T12:00:00.000Z",
  );

/** Group ids a memory is linked to. */
export const GroupIdsField = z
  .array(GroupIdField)
  .max(INPUT_CAPS.groupIdsPerList, `at most ${INPUT_CAPS.groupIdsPerList} groups may be given`);

/** Memory kinds to search. */
export const MemoryKindsField = z.array(MemoryKind).max(MemoryKind.options.length);

/** A deep-memory search query. */
export const QueryField = z
  .string()
  .max(INPUT_CAPS.query, `a query has at most ${INPUT_CAPS.query} characters`);

/** How many hits a deep-memory search returns. */
export const SearchLimitField = z.number().int().min(1).max(INPUT_CAPS.searchLimit);

/** A cache key: 1-256 printable characters, never a prototype-reaching name. */
export const CacheKeyField = z
  .string()
  .min(1)
  .max(INPUT_CAPS.cacheKey)
  .refine((k) => !/[\u0000-\u001f\u007f]/.test(k), "must not contain control characters")
  .refine(
    (k) => !FORBIDDEN_KEYS.has(k),
    'must not be "__proto__", "constructor" or "prototype"; choose another key',
  );

/** Cache time to live in milliseconds: 1 s … 30 d. */
export const TtlMsField = z
  .number()
  .int()
  .min(MIN_CACHE_TTL_MS, `must be at least ${MIN_CACHE_TTL_MS} ms (1 s)`)
  .max(MAX_CACHE_TTL_MS, `must be at most ${MAX_CACHE_TTL_MS} ms (30 d)`);
