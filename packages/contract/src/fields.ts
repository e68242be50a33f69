import {
  CalendarDate,
  FORBIDDEN_KEYS,
  JsonInputValue,
  MAX_LIST_LIMIT,
  MAX_SESSION_ID_LENGTH,
  Metadata,
  Timestamp,
} from "@tta-dev/core";
import { z } from "zod";

/**
 * Hard caps of the input schemas. The configurable limits of SPEC §6 are checked separately
 * (`checkInputLimits`); these only stop hostile input early, whatever the configuration.
 */
export const INPUT_CAPS = {
  title: 512,
  description: 4096,
  summary: 65_536,
  tag: 64,
  tagsPerList: 1000,
  lessons: 100,
  cacheKey: 256,
  cursor: 2048,
  query: 4096,
  idempotencyKey: 256,
  workflowId: 256,
} as const;

/** A session id as given by a caller (the safe-id and naming rules are checked as `NAME_INVALID`). */
export const SessionIdField = z.string().min(1).max(MAX_SESSION_ID_LENGTH);

/** A group id (its name) as given by a caller. */
export const GroupIdField = z.string().min(1).max(128);

/** A deep-memory id (`mem_` and a ULID). */
export const MemoryIdField = z.string().min(1).max(64);

/** One tag as given; the store lower-cases and checks it. */
export const TagField = z.string().min(1).max(INPUT_CAPS.tag);

/** A list of tags as given. */
export const TagsField = z.array(TagField).max(INPUT_CAPS.tagsPerList);

/** The version the caller last saw; a mismatch fails `VERSION_CONFLICT` (0: must not exist). */
export const IfVersionField = z.number().int().min(0);

/** An opaque `nextCursor` from a previous page. */
export const CursorField = z.string().min(1).max(INPUT_CAPS.cursor);

/** Page size of a list. */
export const LimitField = z.number().int().min(1).max(MAX_LIST_LIMIT);

/** An ISO-8601 UTC timestamp with milliseconds. */
export const TimestampField = Timestamp;

/** A calendar date `YYYY-MM-DD`. */
export const DateField = CalendarDate;

/** How several tags combine in a filter. */
export const TagMode = z.enum(["all", "any"]);

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
export const CacheKeyField = z
  .string()
  .min(1)
  .max(INPUT_CAPS.cacheKey)
  .refine((k) => !/[\u0000-\u001f\u007f]/.test(k), "must not contain control characters")
  .refine((k) => !FORBIDDEN_KEYS.has(k), "this key is not allowed");

/** Cache time to live in milliseconds: 1 s … 30 d. */
export const TtlMsField = z
  .number()
  .int()
  .min(1000, "must be at least 1 s")
  .max(30 * 24 * 3600 * 1000, "must be at most 30 d");

/** A page of items and the cursor of the next page (`null`: no more). */
export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
