import type { Handlers } from "@tta-dev/contract";
import type { HandlerEnv } from "./create-handlers.js";

const opt = (ifVersion: number | undefined) => (ifVersion === undefined ? {} : { ifVersion });

/** The session-group operations. */
export function groupHandlers(env: HandlerEnv) {
  const g = (ns: string) => env.workflow(ns).groups;
  return {
    "group.create": (i, c) =>
      g(c.namespace).createGroup({
        name: i.name,
        ...(i.description !== undefined ? { description: i.description } : {}),
        ...(i.tags ? { tags: i.tags } : {}),
        ...(i.metadata ? { metadata: i.metadata } : {}),
      }),
    "group.get": (i, c) => g(c.namespace).getGroup(i.groupId),
    "group.list": (i, c) =>
      g(c.namespace).listGroups(Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined))),
    "group.addSession": (i, c) => g(c.namespace).addSessionToGroup(i.groupId, i.sessionId, opt(i.ifVersion)),
    "group.removeSession": (i, c) =>
      g(c.namespace).removeSessionFromGroup(i.groupId, i.sessionId, opt(i.ifVersion)),
    "group.sessions": async (i, c) => {
      const wf = env.workflow(c.namespace);
      const ids = await wf.groups.getSessionsInGroup(i.groupId);
      const found = await Promise.all(
        ids.map((id) =>
          wf.memory.sessions
            .get({ id })
            .catch((e: { code?: string }) => (e?.code === "SESSION_NOT_FOUND" ? null : Promise.reject(e))),
        ),
      );
      return {
        items: ids.map((id, n) => {
          const session = found[n];
          return session ? { ...session, tracked: true as const } : { id, tracked: false as const };
        }),
        nextCursor: null,
      };
    },
    "group.updateMetadata": (i, c) =>
      g(c.namespace).updateGroupMetadata(i.groupId, i.patch, opt(i.ifVersion)),
    "group.setStatus": (i, c) =>
      g(c.namespace).updateGroupStatus(i.groupId, i.status, {
        ...(i.summary !== undefined ? { summary: i.summary } : {}),
        ...opt(i.ifVersion),
      }),
    "group.delete": async (i, c) => {
      const r = await g(c.namespace).deleteGroup(i.groupId, opt(i.ifVersion));
      return {
        groupId: r.groupId,
        deleted: r.deleted.groups > 0,
        counts: { groups: r.deleted.groups, memberships: r.deleted.memberships },
      };
    },
    "group.summary": async (_i, c) => {
      const s = await g(c.namespace).summary();
      return {
        total: s.totalGroups,
        byStatus: s.byStatus,
        sessionsTracked: s.sessionsTracked,
        uniqueTags: s.uniqueTags,
      };
    },
  } satisfies Partial<Handlers>;
}
