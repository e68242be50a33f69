import {
  checkByteLimit,
  checkCountLimit,
  checkGroupId,
  checkMetadata,
  checkNamespace,
  checkSessionId,
  DEFAULT_NAMESPACE,
  ErrorCode,
  GroupNotActiveError,
  hasErrorCode,
  normalizeTags,
  parseOrThrow,
  resolveLimits,
  SessionNotFoundError,
  systemClock,
  toIso,
} from "@tta-dev/core";
import { loadGroupContext } from "./group-context.js";
import { resolveGroupLimits } from "./group-limits.js";
import { createGroupRepo } from "./group-repo.js";
import type { GroupStore, GroupStoreOptions } from "./group-store-api.js";
import {
  GroupContextInput,
  GroupCreateInput,
  GroupDeleteInput,
  GroupGetInput,
  GroupListInput,
  GroupMembershipInput,
  GroupMetadataUpdateInput,
  GroupStatusUpdateInput,
  GroupTagInput,
  SessionGroupsInput,
} from "./inputs.js";
import { pageOf } from "./list-groups.js";
import { applyMetadataPatch, canonicalJson } from "./metadata-patch.js";
import { createSessionRecords } from "./session-records.js";
import { applyTransition } from "./transitions.js";

/**
 * Create a group store over any backend. Every change is a compare-and-set read-modify-write, retried
 * internally on a concurrent write unless the caller pinned `ifVersion`.
 *
 * @example
 * const groups = createGroupStore({ backend: createInMemoryBackend(), namespace: "acme" });
 * await groups.createGroup({ name: "user-preferences-system", tags: ["redis"] });
 * await groups.addSessionToGroup("user-preferences-system", "user-prefs-original-2025-10-20");
 * await groups.updateGroupStatus("user-preferences-system", "closed", { summary: "Shipped." });
 */
export function createGroupStore(options: GroupStoreOptions): GroupStore {
  const namespace = checkNamespace(options.namespace ?? DEFAULT_NAMESPACE);
  const clock = options.clock ?? systemClock;
  const limits = resolveLimits(options.limits);
  const groupLimits = resolveGroupLimits(options.groupLimits);
  const { backend, reader } = options;
  const repo = createGroupRepo({ backend, namespace });
  const records = createSessionRecords({ backend, namespace });
  const now = () => toIso(clock.now());
  const groupId = (id: unknown) => checkGroupId(id, { legacy: true });
  const sessionId = (id: unknown) => checkSessionId(id, "off").id;

  function tagsOf(raw: readonly string[], field: string): string[] {
    checkCountLimit(raw.length, limits.tagsPerItem, field);
    return normalizeTags(raw, field);
  }

  const store: GroupStore = {
    namespace,

    async createGroup(input) {
      const parsed = parseOrThrow(GroupCreateInput, input, "group.create input");
      const id = checkGroupId(parsed.name);
      const tags = tagsOf(parsed.tags, "tags");
      checkByteLimit(parsed.description, groupLimits.descriptionBytes, "description");
      checkMetadata(parsed.metadata, limits);
      const at = now();
      return repo.create({
        id,
        description: parsed.description,
        tags,
        sessionIds: [],
        status: "active",
        metadata: parsed.metadata,
        createdAt: at,
        updatedAt: at,
        version: 1,
      });
    },

    async getGroup(id) {
      return repo.get(groupId(parseOrThrow(GroupGetInput, { groupId: id }, "group.get input").groupId));
    },

    async addSessionToGroup(gid, sid, opts = {}) {
      const input = parseOrThrow(
        GroupMembershipInput,
        { groupId: gid, sessionId: sid, ...opts },
        "group.addSession input",
      );
      const id = groupId(input.groupId);
      const member = sessionId(input.sessionId);
      const exists = (await records.session(member)) !== null;
      const { group, changed } = await repo.mutate(id, input.ifVersion, (current) => {
        if (current.status !== "active") throw new GroupNotActiveError(id, current.status);
        if (!exists) throw new SessionNotFoundError(member, namespace);
        if (current.sessionIds.includes(member)) return null;
        checkCountLimit(current.sessionIds.length + 1, groupLimits.sessionsPerGroup, "sessionIds");
        return { ...current, sessionIds: [...current.sessionIds, member], updatedAt: now() };
      });
      if (changed && (await records.session(member)) === null) {
        // The session was deleted while we added it, and its cascade may have scanned before our write
        // landed: take the membership back so no group points at a deleted session.
        await store.removeSessionFromGroup(id, member);
        throw new SessionNotFoundError(member, namespace);
      }
      return { group, added: changed };
    },

    async removeSessionFromGroup(gid, sid, opts = {}) {
      const input = parseOrThrow(
        GroupMembershipInput,
        { groupId: gid, sessionId: sid, ...opts },
        "group.removeSession input",
      );
      const member = sessionId(input.sessionId);
      const { group, changed } = await repo.mutate(groupId(input.groupId), input.ifVersion, (current) =>
        current.sessionIds.includes(member)
          ? { ...current, sessionIds: current.sessionIds.filter((s) => s !== member), updatedAt: now() }
          : null,
      );
      return { group, removed: changed };
    },

    async getSessionsInGroup(id) {
      return [...(await store.getGroup(id)).sessionIds];
    },

    async getGroupsOfSession(sid) {
      const member = sessionId(parseOrThrow(SessionGroupsInput, { sessionId: sid }, "input").sessionId);
      return (await repo.all()).filter((g) => g.sessionIds.includes(member));
    },

    async findGroupsByTag(tag) {
      const [wanted] = normalizeTags([parseOrThrow(GroupTagInput, { tag }, "input").tag], "tag");
      return (await repo.all()).filter((g) => g.tags.includes(wanted!));
    },

    async listGroups(input = {}) {
      const parsed = parseOrThrow(GroupListInput, input, "group.list input");
      const tags = tagsOf(parsed.tags, "tags");
      const filter = { tags, tagMode: parsed.tagMode, ...(parsed.status ? { status: parsed.status } : {}) };
      return pageOf(await repo.all(), filter, parsed.cursor, parsed.limit);
    },

    async updateGroupMetadata(gid, patch, opts = {}) {
      const input = parseOrThrow(
        GroupMetadataUpdateInput,
        { groupId: gid, patch, ...opts },
        "group.updateMetadata input",
      );
      const id = groupId(input.groupId);
      checkMetadata(input.patch, limits, "patch");
      const { group } = await repo.mutate(id, input.ifVersion, (current) => {
        const merged = applyMetadataPatch(current.metadata, input.patch);
        if (canonicalJson(merged) === canonicalJson(current.metadata)) return null;
        checkMetadata(merged, limits);
        return { ...current, metadata: merged, updatedAt: now() };
      });
      return group;
    },

    async updateGroupStatus(gid, status, opts = {}) {
      const input = parseOrThrow(
        GroupStatusUpdateInput,
        { groupId: gid, status, ...opts },
        "group.setStatus input",
      );
      const id = groupId(input.groupId);
      if (input.summary !== undefined) checkByteLimit(input.summary, groupLimits.summaryBytes, "summary");
      const { group } = await repo.mutate(id, input.ifVersion, (current) =>
        applyTransition(current, input.status, now(), input.summary),
      );
      return group;
    },

    async deleteGroup(gid, opts = {}) {
      const input = parseOrThrow(GroupDeleteInput, { groupId: gid, ...opts }, "group.delete input");
      const gone = await repo.remove(groupId(input.groupId), input.ifVersion);
      return { groupId: gone.id, deleted: { groups: 1, memberships: gone.sessionIds.length } };
    },

    async getGroupContext(gid, opts = {}) {
      const input = parseOrThrow(GroupContextInput, { groupId: gid, ...opts }, "group context input");
      const group = await repo.get(groupId(input.groupId));
      return loadGroupContext({ group, records, reader, messagesPerSession: input.messagesPerSession });
    },

    async summary() {
      const groups = await repo.all();
      const byStatus = { active: 0, closed: 0, archived: 0 };
      const sessions = new Set<string>();
      const tags = new Set<string>();
      for (const g of groups) {
        byStatus[g.status] += 1;
        for (const s of g.sessionIds) sessions.add(s);
        for (const t of g.tags) tags.add(t);
      }
      return {
        totalGroups: groups.length,
        byStatus,
        sessionsTracked: sessions.size,
        uniqueTags: [...tags].sort(),
      };
    },

    async removeSessionEverywhere(sid) {
      const member = sessionId(parseOrThrow(SessionGroupsInput, { sessionId: sid }, "input").sessionId);
      let removed = 0;
      for (const g of await repo.all()) {
        if (!g.sessionIds.includes(member)) continue;
        try {
          if ((await store.removeSessionFromGroup(g.id, member)).removed) removed += 1;
        } catch (error) {
          // Deleted by someone else meanwhile: its memberships went with it.
          if (!hasErrorCode(error, ErrorCode.GROUP_NOT_FOUND)) throw error;
        }
      }
      return removed;
    },
  };
  return store;
}
