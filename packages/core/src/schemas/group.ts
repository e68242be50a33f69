import { z } from "zod";
import { Metadata, Timestamp, Version } from "./common.js";

export const GroupStatus = z.enum(["active", "closed", "archived"]);
export type GroupStatus = z.infer<typeof GroupStatus>;

/** Allowed lifecycle moves; `archived` is final. */
export const GROUP_TRANSITIONS: Readonly<Record<GroupStatus, readonly GroupStatus[]>> = Object.freeze({
  active: ["closed", "archived"],
  closed: ["active", "archived"],
  archived: [],
});

/** Related sessions, grouped, tagged and closed when done. Its id is its name. */
export const SessionGroup = z.object({
  id: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  sessionIds: z.array(z.string()),
  status: GroupStatus,
  summary: z.string().optional(),
  metadata: Metadata,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  closedAt: Timestamp.optional(),
  archivedAt: Timestamp.optional(),
  version: Version,
});
export type SessionGroup = z.infer<typeof SessionGroup>;
