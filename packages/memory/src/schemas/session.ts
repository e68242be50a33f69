import {
  ComponentField,
  ImportanceField,
  INPUT_CAPS,
  LessonField,
  LessonsField,
  MAX_LIST_LIMIT,
  Metadata,
  PageLimitField,
  SessionIdField,
  SessionStatus,
  TagField,
  TitleField,
} from "@tta-dev/core";
import { z } from "zod";
import { CursorInput, DateInput, IfVersion, TagsInput } from "./common.js";

/** A session id as given; checked by core `checkSessionId` under the configured naming policy. */
export const SessionIdInput = SessionIdField;

/** `sessions.create`: the id is the session's readable name. */
export const SessionCreateInput = z.strictObject({
  id: SessionIdInput,
  title: TitleField.optional(),
  tags: TagsInput.optional(),
  metadata: Metadata.optional(),
});
export type SessionCreateInput = z.input<typeof SessionCreateInput>;

/** `sessions.get`. */
export const SessionGetInput = z.strictObject({ id: SessionIdInput });
export type SessionGetInput = z.input<typeof SessionGetInput>;

export const DEFAULT_SESSION_PAGE = 100;
export const MAX_SESSION_PAGE = MAX_LIST_LIMIT;

/** `sessions.list`: every filter is optional; `dateFrom`/`dateTo` are inclusive. */
export const SessionListInput = z.strictObject({
  status: SessionStatus.optional(),
  tag: TagField.optional(),
  component: ComponentField.optional(),
  dateFrom: DateInput.optional(),
  dateTo: DateInput.optional(),
  cursor: CursorInput.optional(),
  limit: PageLimitField.optional(),
});
export type SessionListInput = z.input<typeof SessionListInput>;

/** A lesson learnt: its text, or the text with tags and importance. */
export const LessonInput = LessonField;
export type LessonInput = z.input<typeof LessonInput>;

/** Lessons of one completion (`INPUT_CAPS.lessons`). */
export const MAX_LESSONS = INPUT_CAPS.lessons;

/**
 * `sessions.complete`: lessons become deep memories of kind `lesson` linked to the session, carrying
 * the session's tags. Completing a completed session stores the lessons it does not have yet.
 */
export const SessionCompleteInput = z.strictObject({
  id: SessionIdInput,
  lessons: LessonsField.optional(),
  /** Importance of every lesson that does not give its own (default 0.5). */
  importance: ImportanceField.optional(),
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
