import { GroupStatus, MAX_LIST_LIMIT, Metadata } from "@tta-dev/core";
import { z } from "zod";

/**
 * Metadata as given by a caller: core's `Metadata`, which refuses prototype-reaching keys
 * (`__proto__`, `constructor`, `prototype`) at any depth before anything copies the object.
 */
export const MetadataInput = Metadata;

/**
 * A group id as given by a caller. The naming rule itself is checked by the store so that every bad name,
 * empty or too long included, fails with one code: `NAME_INVALID`.
 */
export const GroupIdInput = z.string();

/** A session id as given by a caller; checked against the safe-id rule by the store (`NAME_INVALID`). */
export const SessionIdInput = z.string();

/** `ifVersion`: the version the caller last saw; a mismatch fails `VERSION_CONFLICT`. */
export const IfVersionInput = z.number().int().min(0);

/** Input of `createGroup`. The name becomes the id: lower-case kebab-case, at most 64 characters. */
export const GroupCreateInput = z.object({
  name: GroupIdInput,
  description: z.string().default(""),
  tags: z.array(z.string()).default([]),
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
export const TagMode = z.enum(["all", "any"]);
export type TagMode = z.infer<typeof TagMode>;

/** Input of `listGroups`: filters, then cursor pagination in the stable order of group ids. */
export const GroupListInput = z.object({
  status: GroupStatus.optional(),
  tags: z.array(z.string()).default([]),
  tagMode: TagMode.default("all"),
  cursor: z.string().max(1024).optional(),
  limit: z.number().int().min(1).max(MAX_LIST_LIMIT).default(100),
});
export type GroupListInput = z.input<typeof GroupListInput>;

/** Input of `findGroupsByTag`. */
export const GroupTagInput = z.object({ tag: z.string() });
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
  summary: z.string().optional(),
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
  messagesPerSession: z.number().int().min(0).max(1000).default(20),
});
export type GroupContextInput = z.input<typeof GroupContextInput>;
