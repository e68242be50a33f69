import { Session, SessionGroup } from "@tta-dev/core";
import { z } from "zod";
import { defineOperation } from "../define.js";
import { GroupIdField, IfVersionField, page, SessionIdField } from "../fields.js";

const groupArg = { name: "group", field: "groupId", description: "Group name" } as const;
const sessionArg = { name: "session", field: "sessionId", description: "Session id" } as const;
const GroupInput = z.strictObject({ groupId: GroupIdField });
const Membership = z.strictObject({
  groupId: GroupIdField,
  sessionId: SessionIdField,
  ifVersion: IfVersionField.optional(),
});

/** `group.addSession`: `added: false` when the session already was a member. */
export const groupAddSession = defineOperation({
  name: "group.addSession",
  summary: "Add a session to an active group (a no-op, added: false, when it already is a member).",
  input: Membership,
  output: z.object({ group: SessionGroup, added: z.boolean() }),
  errors: ["NAME_INVALID", "GROUP_NOT_FOUND", "SESSION_NOT_FOUND", "GROUP_NOT_ACTIVE", "VERSION_CONFLICT"],
  http: { method: "POST", path: "/v1/groups/{groupId}/sessions", scope: "write" },
  cli: {
    words: ["group", "add"],
    positionals: [groupArg, sessionArg],
    flags: {},
    example: "tta group add feature-auth auth-design-2025-10-01",
  },
  ids: { groupId: "group", sessionId: "session" },
});

/** `group.removeSession`: `removed: false` when the session was not a member. */
export const groupRemoveSession = defineOperation({
  name: "group.removeSession",
  summary: "Remove a session from a group.",
  input: Membership,
  output: z.object({ group: SessionGroup, removed: z.boolean() }),
  errors: ["NAME_INVALID", "GROUP_NOT_FOUND", "VERSION_CONFLICT"],
  http: { method: "DELETE", path: "/v1/groups/{groupId}/sessions/{sessionId}", scope: "write" },
  cli: {
    words: ["group", "remove"],
    positionals: [groupArg, sessionArg],
    flags: {},
    example: "tta group remove feature-auth auth-design-2025-10-01",
  },
  ids: { groupId: "group", sessionId: "session" },
});

/**
 * One member of a group: its session (`tracked: true`), or only its id when no session record exists
 * (`tracked: false`: a group read from an older `session_groups.json` may list such ids).
 */
export const GroupMember = z.union([
  Session.extend({ tracked: z.literal(true) }),
  z.object({ id: z.string(), tracked: z.literal(false) }),
]);

/** `group.sessions`: every member, in membership order; members without a session record are marked. */
export const groupSessions = defineOperation({
  name: "group.sessions",
  summary: "List the sessions of a group (members without a session record are listed as untracked).",
  input: GroupInput,
  output: page(GroupMember),
  errors: ["NAME_INVALID", "GROUP_NOT_FOUND"],
  http: { method: "GET", path: "/v1/groups/{groupId}/sessions", scope: "read" },
  cli: {
    words: ["group", "sessions"],
    positionals: [groupArg],
    flags: {},
    example: "tta group sessions feature-auth",
  },
  ids: { groupId: "group" },
});
