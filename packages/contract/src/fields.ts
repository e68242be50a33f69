import {
  CalendarDate,
  INPUT_CAPS as CORE_INPUT_CAPS,
  CacheKeyField as CoreCacheKeyField,
  CursorField as CoreCursorField,
  GroupIdField as CoreGroupIdField,
  IfVersionField as CoreIfVersionField,
  MemoryIdField as CoreMemoryIdField,
  SessionIdField as CoreSessionIdField,
  TagField as CoreTagField,
  TagsField as CoreTagsField,
  TtlMsField as CoreTtlMsField,
  InstantField,
  JsonInputValue,
  Metadata,
  PageLimitField,
  TagModeField,
} from "@tta-dev/core";
import { z } from "zod";

// Every field is core's, the one schema that `@tta-dev/memory` and `@tta-dev/groups` use too: a
// field has one rule and one limit whichever entry a caller uses. The names below are this package's.

/**
 * Hard caps of the input schemas (core's `INPUT_CAPS`). The configurable limits (docs/contract.md#limits) are
 * checked separately (`checkInputLimits`); these only stop hostile input early, whatever the
 * configuration.
 */
export const INPUT_CAPS = CORE_INPUT_CAPS;

/** A session id as given by a caller (the safe-id and naming rules are checked as `NAME_INVALID`). */
export const SessionIdField = CoreSessionIdField;

/** A group id (its name) as given by a caller. */
export const GroupIdField = CoreGroupIdField;

/** A deep-memory id (`mem_` and a ULID). */
export const MemoryIdField = CoreMemoryIdField;

/** One tag as given; the store lower-cases and checks it. */
export const TagField = CoreTagField;

/** A list of tags as given. */
export const TagsField = CoreTagsField;

/** The version the caller last saw; a mismatch fails `VERSION_CONFLICT` (0: must not exist). */
export const IfVersionField = CoreIfVersionField;

/** An opaque `nextCursor` from a previous page. */
export const CursorField = CoreCursorField;

/** Page size of a list. */
export const LimitField = PageLimitField;

/** An ISO-8601 instant (any offset; compared as an instant), e.g. `2026-11-25T12:00:00.000Z`. */
export const TimestampField = InstantField;

/** A calendar date `YYYY-MM-DD`. */
export const DateField = CalendarDate;

/** How several tags combine in a filter. */
export const TagMode = TagModeField;

/**
 * Metadata as given by a caller: core's `Metadata`, which refuses prototype-reaching keys at any depth
 * before anything copies the object (zod would silently drop an own `__proto__` key, and a silent drop
 * is not a refusal), without recursion.
 */
export const MetadataField = Metadata;

/** A metadata patch: like metadata, but a `null` value removes the key. */
export const MetadataPatchField = MetadataField;

/** Any JSON value (a cache value), nested at most 64 levels. Prototype-reaching keys are refused. */
export const JsonValueField = JsonInputValue;

/** A cache key: 1-256 printable characters, never a prototype-reaching name. */
export const CacheKeyField = CoreCacheKeyField;

/** Cache time to live in milliseconds: 1 s … 30 d. */
export const TtlMsField = CoreTtlMsField;

/** A page of items and the cursor of the next page (`null`: no more). */
export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
