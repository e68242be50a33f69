import { z } from "zod";
import { CalendarDate, JsonInputValue, Metadata } from "./common.js";
import {
  CacheKeyField,
  ComponentField,
  CursorField,
  GroupIdField,
  GroupIdsField,
  IdempotencyKeyField,
  IfVersionField,
  ImportanceField,
  InstantField,
  LessonsField,
  MemoryIdField,
  MemoryKindsField,
  PageLimitField,
  QueryField,
  SearchLimitField,
  SessionIdField,
  TagField,
  TagModeField,
  TagsField,
  TextField,
  TitleField,
  TtlMsField,
} from "./fields.js";
import { MemoryKind } from "./memory.js";
import { MessageRole, SessionStatus } from "./session.js";
import { WorkflowStage } from "./stage.js";

// The input of each session, message, cache and deep-memory call, defined once: `@tta-dev/memory`
// validates its calls with these and `@tta-dev/contract` declares its operations with them (where an
// operation exposes fewer fields, it omits them from the same object).

/** Create a session; its id is its readable name. */
export const SessionCreateInput = z.strictObject({
  id: SessionIdField,
  title: TitleField.optional(),
  tags: TagsField.optional(),
  metadata: Metadata.optional(),
});

/** One session. */
export const SessionGetInput = z.strictObject({ id: SessionIdField });

/** List sessions: every filter is optional; `dateFrom`/`dateTo` are inclusive. */
export const SessionListInput = z.strictObject({
  /** `id` (default): the stable order of their ids; `newest`: the latest created first (then by id). */
  order: z.enum(["id", "newest"]).optional(),
  status: SessionStatus.optional(),
  tag: TagField.optional(),
  component: ComponentField.optional(),
  dateFrom: CalendarDate.optional(),
  dateTo: CalendarDate.optional(),
  cursor: CursorField.optional(),
  limit: PageLimitField.optional(),
});

/**
 * Complete a session: lessons become deep memories of kind `lesson` linked to it, carrying its tags.
 * `importance` applies to every lesson that does not give its own (default 0.5).
 */
export const SessionCompleteInput = z.strictObject({
  id: SessionIdField,
  lessons: LessonsField.optional(),
  importance: ImportanceField.optional(),
  ifVersion: IfVersionField.optional(),
});

/** Archive a session. */
export const SessionArchiveInput = z.strictObject({
  id: SessionIdField,
  ifVersion: IfVersionField.optional(),
});

/** Record the workflow stage a session is in (case-insensitive); an active session only. */
export const SessionSetStageInput = z.strictObject({
  id: SessionIdField,
  stage: WorkflowStage,
  ifVersion: IfVersionField.optional(),
});

/** Delete a session: `cascade` also removes messages, cache and memberships; `forgetMemories` its memories. */
export const SessionDeleteInput = z.strictObject({
  id: SessionIdField,
  cascade: z.boolean().optional(),
  forgetMemories: z.boolean().optional(),
  ifVersion: IfVersionField.optional(),
});

/** One message to append (without its session). */
export const MessageItemInput = z.strictObject({
  role: MessageRole.default("user"),
  content: TextField,
  metadata: Metadata.optional(),
  idempotencyKey: IdempotencyKeyField.optional(),
});

/**
 * List a session's messages. `afterSeq`/`cursor` reads forward; `since` alone gives the oldest
 * messages from that time on; otherwise the newest `last` (or `limit`), optionally only those since a time.
 */
export const MessageListInput = z.strictObject({
  sessionId: SessionIdField,
  last: PageLimitField.optional(),
  afterSeq: z.number().int().min(0).optional(),
  since: InstantField.optional(),
  limit: PageLimitField.optional(),
  cursor: CursorField.optional(),
});

/** Set a cache value: TTL in milliseconds, 1 s … 30 d, default 1 h. */
export const CacheSetInput = z.strictObject({
  sessionId: SessionIdField,
  key: CacheKeyField,
  value: JsonInputValue,
  ttlMs: TtlMsField.optional(),
  ifVersion: IfVersionField.optional(),
});

/** One live cache entry. */
export const CacheGetInput = z.strictObject({ sessionId: SessionIdField, key: CacheKeyField });

/** A session's live cache entries, in key order. */
export const CacheListInput = z.strictObject({
  sessionId: SessionIdField,
  cursor: CursorField.optional(),
  limit: PageLimitField.optional(),
});

/** Delete one cache entry. */
export const CacheDeleteInput = z.strictObject({
  sessionId: SessionIdField,
  key: CacheKeyField,
  ifVersion: IfVersionField.optional(),
});

/** Create a deep memory. Defaults: kind `observation`, importance 0.5, not pinned. */
export const MemoryCreateInput = z.strictObject({
  content: TextField,
  kind: MemoryKind.optional(),
  tags: TagsField.optional(),
  importance: ImportanceField.optional(),
  sessionId: SessionIdField.optional(),
  groupIds: GroupIdsField.optional(),
  pinned: z.boolean().optional(),
  /** From this instant on, search never returns the memory (it is forgotten). */
  expiresAt: InstantField.optional(),
  /**
   * Return the live memory of the same kind whose text is the same once case, accents, spacing and
   * punctuation are set aside, instead of storing another.
   */
  dedupe: z.boolean().optional(),
});

/** One deep memory. */
export const MemoryGetInput = z.strictObject({ id: MemoryIdField });

/** Update a deep memory: only the given fields change; `sessionId: null` unlinks the session. */
export const MemoryUpdateInput = z.strictObject({
  id: MemoryIdField,
  content: TextField.optional(),
  kind: MemoryKind.optional(),
  tags: TagsField.optional(),
  importance: ImportanceField.optional(),
  sessionId: SessionIdField.nullable().optional(),
  groupIds: GroupIdsField.optional(),
  pinned: z.boolean().optional(),
  /** A new expiry; `null` removes it. */
  expiresAt: InstantField.nullable().optional(),
  ifVersion: IfVersionField.optional(),
});

/** Delete a deep memory. */
export const MemoryDeleteInput = z.strictObject({ id: MemoryIdField, ifVersion: IfVersionField.optional() });

/**
 * Search deep memory. `tags` filter (`tagMode` all or any); `boostTags` only raise the score of
 * memories carrying them, and `boostSessionId`/`boostGroupIds` of memories linked to them; `since` keeps memories updated at or after that instant.
 */
export const MemorySearchInput = z.strictObject({
  query: QueryField.optional(),
  tags: TagsField.optional(),
  tagMode: TagModeField.optional(),
  kinds: MemoryKindsField.optional(),
  minImportance: ImportanceField.optional(),
  sessionId: SessionIdField.optional(),
  groupId: GroupIdField.optional(),
  since: InstantField.optional(),
  boostTags: TagsField.optional(),
  /**
   * Raise memories linked to this session (one boost, like a boost tag); with a query, those that match
   * none of its words still count as matching one (a session's own lessons are never left out for want
   * of a shared word).
   */
  boostSessionId: SessionIdField.optional(),
  /** Raise memories linked to any of these groups, as `boostSessionId` does. */
  boostGroupIds: GroupIdsField.optional(),
  limit: SearchLimitField.optional(),
  /** The `nextCursor` of the page before: the hits after it. */
  cursor: CursorField.optional(),
  /** Give each hit the parts of its score (`explain`). */
  explain: z.boolean().optional(),
});
