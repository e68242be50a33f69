import {
  SessionArchiveInput as CoreSessionArchiveInput,
  SessionCompleteInput as CoreSessionCompleteInput,
  SessionCreateInput as CoreSessionCreateInput,
  SessionDeleteInput as CoreSessionDeleteInput,
  SessionGetInput as CoreSessionGetInput,
  SessionListInput as CoreSessionListInput,
  SessionSetStageInput as CoreSessionSetStageInput,
  INPUT_CAPS,
  LessonField,
  MAX_LIST_LIMIT,
  SessionIdField,
} from "@tta-dev/core";
import type { z } from "zod";

// The inputs are core's, the ones `@tta-dev/contract` declares its operations with.

/** A session id as given; checked by core `checkSessionId` under the configured naming policy. */
export const SessionIdInput = SessionIdField;

/** `sessions.create`: the id is the session's readable name. */
export const SessionCreateInput = CoreSessionCreateInput;
export type SessionCreateInput = z.input<typeof SessionCreateInput>;

/** `sessions.get`. */
export const SessionGetInput = CoreSessionGetInput;
export type SessionGetInput = z.input<typeof SessionGetInput>;

export const DEFAULT_SESSION_PAGE = 100;
export const MAX_SESSION_PAGE = MAX_LIST_LIMIT;

/** `sessions.list`: every filter is optional; `dateFrom`/`dateTo` are inclusive. */
export const SessionListInput = CoreSessionListInput;
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
export const SessionCompleteInput = CoreSessionCompleteInput;
export type SessionCompleteInput = z.input<typeof SessionCompleteInput>;

/** `sessions.archive`. */
export const SessionArchiveInput = CoreSessionArchiveInput;
export type SessionArchiveInput = z.input<typeof SessionArchiveInput>;

/** `sessions.setStage`: the workflow stage an active session is in. */
export const SessionSetStageInput = CoreSessionSetStageInput;
export type SessionSetStageInput = z.input<typeof SessionSetStageInput>;

/** `sessions.delete`: `cascade` also removes messages, cache and memberships; `forgetMemories` its deep memories. */
export const SessionDeleteInput = CoreSessionDeleteInput;
export type SessionDeleteInput = z.input<typeof SessionDeleteInput>;
