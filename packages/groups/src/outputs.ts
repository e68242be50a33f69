import { DeepMemory, Message, Session, SessionGroup } from "@tta-dev/core";
import { z } from "zod";

/** What `addSessionToGroup` returns: the group as stored now and whether this call added the session. */
export const GroupAddResult = z.object({ group: SessionGroup, added: z.boolean() });
export type GroupAddResult = z.infer<typeof GroupAddResult>;

/** What `removeSessionFromGroup` returns: the group as stored now and whether this call removed it. */
export const GroupRemoveResult = z.object({ group: SessionGroup, removed: z.boolean() });
export type GroupRemoveResult = z.infer<typeof GroupRemoveResult>;

/** A page of `listGroups`; pass `nextCursor` back to get the next page (`null`: no more). */
export const GroupPage = z.object({ items: z.array(SessionGroup), nextCursor: z.string().nullable() });
export type GroupPage = z.infer<typeof GroupPage>;

/** The receipt of `deleteGroup`: what went, counted per kind. Sessions and memories are never deleted. */
export const GroupDeleteReceipt = z.object({
  groupId: z.string(),
  deleted: z.object({ groups: z.number().int(), memberships: z.number().int() }),
});
export type GroupDeleteReceipt = z.infer<typeof GroupDeleteReceipt>;

/** The result of `summary()`. */
export const GroupSummary = z.object({
  totalGroups: z.number().int(),
  byStatus: z.object({ active: z.number().int(), closed: z.number().int(), archived: z.number().int() }),
  /** Distinct session ids that belong to at least one group. */
  sessionsTracked: z.number().int(),
  /** Every tag used by some group, sorted. */
  uniqueTags: z.array(z.string()),
});
export type GroupSummary = z.infer<typeof GroupSummary>;

/** One member of a group in its context: the session (`null` when it no longer exists) and its latest messages. */
export const GroupContextSession = z.object({
  sessionId: z.string(),
  session: Session.nullable(),
  messages: z.array(Message),
});
export type GroupContextSession = z.infer<typeof GroupContextSession>;

/** What `getGroupContext` returns: the group, its sessions with their recent messages, and its memories. */
export const GroupContext = z.object({
  group: SessionGroup,
  sessions: z.array(GroupContextSession),
  memories: z.array(DeepMemory),
});
export type GroupContext = z.infer<typeof GroupContext>;
