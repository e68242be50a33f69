import { CalendarDate, isRealDateTime } from "@tta-dev/core";
import { z } from "zod";

/** An optimistic-concurrency guard: the version the caller last read (`0`: must not exist). */
export const IfVersion = z.number().int().min(0);

/** Tags as given; they are lower-cased, de-duplicated and checked against the tag rule and limit. */
export const TagsInput = z.array(z.string());

/** A calendar date `YYYY-MM-DD`. */
export const DateInput = CalendarDate;

/** An ISO-8601 instant, e.g. `2026-11-25T12:00:00.000Z` (any offset; compared as an instant). */
export const InstantInput = z
  .string()
  .refine(
    (s) =>
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/.test(s) &&
      isRealDateTime(s) &&
      !Number.isNaN(Date.parse(s)),
    "must be an ISO-8601 date or date-time with a zone, e.g. 2026-11-25T12:00:00.000Z",
  );

/** An opaque page cursor: the `nextCursor` of the previous page. */
export const CursorInput = z.string().min(1).max(2048);

/** A page size. */
export const pageLimit = (max: number) => z.number().int().min(1).max(max);

/** Outputs of every list: a page of items and the cursor of the next page (`null` at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
