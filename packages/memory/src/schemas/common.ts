import { CalendarDate, CursorField, IfVersionField, InstantField, TagsField } from "@tta-dev/core";

// The fields are core's (one schema and one limit per field, shared with `@tta-dev/contract`);
// these names are kept for callers of this package.

/** An optimistic-concurrency guard: the version the caller last read (`0`: must not exist). */
export const IfVersion = IfVersionField;

/** Tags as given; they are lower-cased, de-duplicated and checked against the tag rule and limit. */
export const TagsInput = TagsField;

/** A calendar date `YYYY-MM-DD`. */
export const DateInput = CalendarDate;

/** An ISO-8601 instant, e.g. `2026-11-25T12:00:00.000Z` (any offset; compared as an instant). */
export const InstantInput = InstantField;

/** An opaque page cursor: the `nextCursor` of the previous page. */
export const CursorInput = CursorField;

/** Outputs of every list: a page of items and the cursor of the next page (`null` at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
