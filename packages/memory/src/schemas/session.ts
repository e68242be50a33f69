import { Metadata, SessionStatus } from "@tta-dev/core";
import { z } from "zod";
import { CursorInput, DateInput, IfVersion, pageLimit, TagsInput } from "./common.js";

/** A session id as given; checked by core `checkSessionId` under the configured naming policy. */
export const SessionIdInput = z.string().min(1).max(128);

/** `sessions.create`: the id is the session's readable name. */
export const SessionCreateInput = z.strictObject({
  id: SessionIdInput,
  title: z.string().max(1000).optional(),
  tags: TagsInput.optional(),
  metadata: Metadata.optional(),
});
export type SessionCreateInput = z.input<typeof SessionCreateInput>;

/** `sessions.get`. */
export const SessionGetInput = z.strictObject({ id: SessionIdInput });
export type SessionGetInput = z.input<typeof SessionGetInput>;

export const DEFAULT_SESSION_PAGE = 100;
export const MAX_SESSION_PAGE = 1000;

/** `sessions.list`: every filter is optional; `dateFrom`/`dateTo` are inclusive. */
export const SessionListInput = z.strictObject({
  status: SessionStatus.optional(),
  tag: z.string().optional(),
  component: z.string().max(128).optional(),
  dateFrom: DateInput.optional(),
  dateTo: DateInput.optional(),
  cursor: CursorInput.optional(),
  limit: pageLimit(MAX_SESSION_PAGE).optional(),
});
export type SessionListInput = z.input<typeof SessionListInput>;

/** A lesson learnt: its text, or the text with tags and importance. */
export const LessonInput = z.union([
  z.string(),
  z.strictObject({
    content: z.string(),
    tags: TagsInput.optional(),
    importance: z.number().min(0).max(1).optional(),
  }),
]);
export type LessonInput = z.input<typeof LessonInput>;

export const MAX_LESSONS = 100;

/**
 * `sessions.complete`: lessons become deep memories of kind `lesson` linked to the session, carrying
 * the session's tags. Completing a completed session stores the lessons it does not have yet.
 */
export const SessionCompleteInput = z.strictObject({
  id: SessionIdInput,
  lessons: z.array(LessonInput).optional(),
  /** Importance of every lesson that does not give its own (default 0.5). */
  importance: z.number().min(0).max(1).optional(),
  ifVersion: IfVersion.optional(),
});
export type SessionCompleteInput = z.input<typeof SessionCompleteInput>;

/** `sessions.archive`. */
export const SessionArchiveInput = z.strictObject({ id: SessionIdInput, ifVersion: IfVersion.optional() });
export type SessionArchiveInput = z.input<typeof SessionArchiveInput>;

/** `sessions.delete`: `cascade` also removes messages, cache and memberships; `forgetMemories` its deep memories. */
export const SessionDeleteInput = z.strictObject({
  id: SessionIdInput,
  cascade: z.boolean().optional(),
  forgetMemories: z.boolean().optional(),
  ifVersion: IfVersion.optional(),
});
export type SessionDeleteInput = z.input<typeof SessionDeleteInput>;
