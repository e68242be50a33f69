import type { Clock, GroupStatus, Limits, MemoryBackend, Metadata, SessionGroup } from "@tta-dev/core";
import type { GroupContextReader } from "./group-context.js";
import type { GroupLimits } from "./group-limits.js";
import type { GroupCreateInput, GroupListInput } from "./inputs.js";
import type {
  GroupAddResult,
  GroupContext,
  GroupDeleteReceipt,
  GroupPage,
  GroupRemoveResult,
  GroupSummary,
} from "./outputs.js";

/** Options of {@link createGroupStore}. */
export interface GroupStoreOptions {
  /** Where groups live, and where sessions, messages and memories are read from. */
  backend: MemoryBackend;
  /** Default `default`. */
  namespace?: string;
  /** Source of `createdAt`/`updatedAt`/`closedAt`/`archivedAt`; default the system clock. */
  clock?: Clock;
  /** Overrides of the shared limits (tags per item, metadata keys and bytes). */
  limits?: Partial<Limits>;
  /** Overrides of the group-only limits (members per group, description and summary bytes). */
  groupLimits?: Partial<GroupLimits>;
  /** Supplies recent messages and group memories for `getGroupContext`; default: read from the backend. */
  reader?: GroupContextReader;
}

/** Options of the writes that honour optimistic concurrency. */
export interface IfVersionOptions {
  /** The version last seen; a mismatch fails `VERSION_CONFLICT` carrying the current version. */
  ifVersion?: number;
}

/** The session-group store: lifecycle, membership, tags and metadata of groups in one namespace. */
export interface GroupStore {
  readonly namespace: string;
  /** Create a group; its id is `name` (lower-case kebab-case, ≤ 64). @throws NAME_INVALID, ALREADY_EXISTS, LIMIT_EXCEEDED, VALIDATION_FAILED */
  createGroup(input: GroupCreateInput): Promise<SessionGroup>;
  /** @throws GROUP_NOT_FOUND */
  getGroup(groupId: string): Promise<SessionGroup>;
  /** Add an existing session to an active group; `added: false` when it was already a member. */
  addSessionToGroup(groupId: string, sessionId: string, options?: IfVersionOptions): Promise<GroupAddResult>;
  /** Remove a member, in any status; `removed: false` when it was not one. */
  removeSessionFromGroup(
    groupId: string,
    sessionId: string,
    options?: IfVersionOptions,
  ): Promise<GroupRemoveResult>;
  /** The member session ids, in the order they were added. */
  getSessionsInGroup(groupId: string): Promise<string[]>;
  /** Every group the session belongs to, in id order. */
  getGroupsOfSession(sessionId: string): Promise<SessionGroup[]>;
  /** Every group carrying the tag (input is lower-cased), in id order. */
  findGroupsByTag(tag: string): Promise<SessionGroup[]>;
  /** A page of groups filtered by status and tags, in id order. */
  listGroups(input?: GroupListInput): Promise<GroupPage>;
  /** Shallow-merge `patch` into the metadata; a `null` value removes a key. No change, no new version. */
  updateGroupMetadata(groupId: string, patch: Metadata, options?: IfVersionOptions): Promise<SessionGroup>;
  /** Move along the lifecycle; the current status is a no-op. @throws INVALID_TRANSITION */
  updateGroupStatus(
    groupId: string,
    status: GroupStatus,
    options?: IfVersionOptions & { summary?: string },
  ): Promise<SessionGroup>;
  /** Delete the group (its sessions and memories stay). */
  deleteGroup(groupId: string, options?: IfVersionOptions): Promise<GroupDeleteReceipt>;
  /** The group, its sessions with their latest messages, and the deep memories linked to it. */
  getGroupContext(groupId: string, options?: { messagesPerSession?: number }): Promise<GroupContext>;
  /** Counts by status, distinct sessions tracked, unique tags. */
  summary(): Promise<GroupSummary>;
  /** Remove the session from every group (session delete cascade); returns how many memberships went. */
  removeSessionEverywhere(sessionId: string): Promise<number>;
}
