import {
  CursorField,
  DescriptionField,
  GroupIdField,
  GroupStatus,
  IfVersionField,
  INPUT_CAPS,
  Metadata,
  PageLimitField,
  SessionIdField,
  SummaryField,
  TagField,
  TagModeField,
  TagsField,
} from "@tta-dev/core";
import { z } from "zod";

// The fields are core's (one schema and one limit per field, shared with `@tta-dev/contract`).

/**
 * Metadata as given by a caller: core's `Metadata`, which refuses prototype-reaching keys
 * (`__proto__`, `constructor`, `prototype`) at any depth before anything copies the object.
 */
export const MetadataInput = Metadata;

/**
 * A group id as given by a caller. The naming rule itself is checked by the store so that every bad name,
 * empty or too long included, fails with one code: `NAME_INVALID`.
 */
export const GroupIdInput = GroupIdField;

/** A session id as given by a caller; checked against the safe-id rule by the store (`NAME_INVALID`). */
export const SessionIdInput = SessionIdField;

/** `ifVersion`: the version the caller last saw; a mismatch fails `VERSION_CONFLICT`. */
export const IfVersionInput = IfVersionField;

/** Input of `createGroup`. The name becomes the id: lower-case kebab-case, at most 64 characters. */
export const GroupCreateInput = z.object({
  name: GroupIdInput,
  description: DescriptionField.default(""),
  tags: TagsField.default([]),
  metadata: MetadataInput.default({}),
});
export type GroupCreateInput = z.input<typeof GroupCreateInput>;

/** Input of `getGroup`, `getSessionsInGroup` and the other one-group reads. */
export const GroupGetInput = z.object({ groupId: GroupIdInput });
export type GroupGetInput = z.input<typeof GroupGetInput>;

/** Input of `addSessionToGroup` and `removeSessionFromGroup`. */
export const GroupMembershipInput = z.object({
  groupId: GroupIdInput,
  sessionId: SessionIdInput,
  ifVersion: IfVersionInput.optional(),
});
export type GroupMembershipInput = z.input<typeof GroupMembershipInput>;

/** Input of `getGroupsOfSession`. */
export const SessionGroupsInput = z.object({ sessionId: SessionIdInput });
export type SessionGroupsInput = z.input<typeof SessionGroupsInput>;

/** How several tags combine in a filter: every tag (`all`) or at least one (`any`). */
export const TagMode = TagModeField;
export type TagMode = z.infer<typeof TagMode>;

/** Input of `listGroups`: filters, then cursor pagination in the stable order of group ids. */
export const GroupListInput = z.object({
  status: GroupStatus.optional(),
  tags: TagsField.default([]),
  tagMode: TagMode.default("all"),
  cursor: CursorField.optional(),
  limit: PageLimitField.default(100),
});
export type GroupListInput = z.input<typeof GroupListInput>;

/** Input of `findGroupsByTag`. */
export const GroupTagInput = z.object({ tag: TagField });
export type GroupTagInput = z.input<typeof GroupTagInput>;

/** Input of `updateGroupMetadata`: a shallow merge patch; a `null` value removes the key. */
export const GroupMetadataUpdateInput = z.object({
  groupId: GroupIdInput,
  patch: MetadataInput,
  ifVersion: IfVersionInput.optional(),
});
export type GroupMetadataUpdateInput = z.input<typeof GroupMetadataUpdateInput>;

/** Input of `updateGroupStatus`. */
export const GroupStatusUpdateInput = z.object({
  groupId: GroupIdInput,
  status: GroupStatus,
  summary: SummaryField.optional(),
  ifVersion: IfVersionInput.optional(),
});
export type GroupStatusUpdateInput = z.input<typeof GroupStatusUpdateInput>;

/** Input of `deleteGroup`. */
export const GroupDeleteInput = z.object({
  groupId: GroupIdInput,
  ifVersion: IfVersionInput.optional(),
});
export type GroupDeleteInput = z.input<typeof GroupDeleteInput>;

/** Input of `getGroupContext`: how many of each session's latest messages to include. */
export const GroupContextInput = z.object({
  groupId: GroupIdInput,
  messagesPerSession: z.number().int().min(0).max(INPUT_CAPS.groupContextMessages).default(20),
});
export type GroupContextInput = z.input<typeof GroupContextInput>;
