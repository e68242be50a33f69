import {
  AlreadyExistsError,
  cacheScope,
  checkCountLimit,
  checkSessionId,
  type DeepMemory,
  hasErrorCode,
  InvalidTransitionError,
  messagesScope,
  type Session,
  SessionNotFoundError,
  type SessionStatus,
  sessionsScope,
  VersionConflictError,
} from "@tta-dev/core";
import { type MemoryContext, type MemoryContextOptions, resolveMemoryContext } from "./context.js";
import { createDeepMemoryIn, type DeepMemoryStore } from "./deep-memory.js";
import { checkMeta, checkNotBlank, checkTags, checkText, parseInput } from "./guards.js";
import { readModifyWrite } from "./read-modify-write.js";
import { toSession, withoutVersion } from "./records.js";
import type { Page } from "./schemas/common.js";
import {
  MAX_LESSONS,
  SessionArchiveInput,
  SessionCompleteInput,
  SessionCreateInput,
  SessionDeleteInput,
  SessionGetInput,
  SessionListInput,
} from "./schemas/session.js";
import { listSessions } from "./session-list.js";
import { checkLookupId, requireSession } from "./session-lookup.js";

/** Allowed session moves; `archived` is final. Asking for the current status is a no-op. */
export const SESSION_TRANSITIONS: Readonly<Record<SessionStatus, readonly SessionStatus[]>> = Object.freeze({
  active: ["completed", "archived"],
  completed: ["archived"],
  archived: [],
});

/** Removes a deleted session from its groups; wired by the workflow to @tta-dev/groups. */
export type OnSessionDelete = (sessionId: string) => Promise<{ memberships: number }>;

/** What a session delete removed, per layer. */
export interface SessionDeleteReceipt {
  id: string;
  sessions: number;
  messages: number;
  cache: number;
  memberships: number;
  memories: number;
}

/** The completed session and the lessons stored as deep memories. */
export interface SessionCompleteResult {
  session: Session;
  lessons: DeepMemory[];
}

/** Sessions (SPEC §3.1). */
export interface SessionStore {
  /** @throws NAME_INVALID, ALREADY_EXISTS */
  create(input: SessionCreateInput): Promise<Session>;
  /** @throws SESSION_NOT_FOUND */
  get(input: SessionGetInput): Promise<Session>;
  list(input?: SessionListInput): Promise<Page<Session>>;
  complete(input: SessionCompleteInput): Promise<SessionCompleteResult>;
  archive(input: SessionArchiveInput): Promise<Session>;
  delete(input: SessionDeleteInput): Promise<SessionDeleteReceipt>;
}

/** Options of {@link createSessionStore}. */
export interface SessionStoreOptions extends MemoryContextOptions {
  /** Called on a cascading delete to remove the session from its groups. */
  onSessionDelete?: OnSessionDelete;
}

/**
 * Sessions over any backend.
 *
 * @example
 * const sessions = createSessionStore({ backend: createInMemoryBackend() });
 * await sessions.create({ id: "auth-refactor-2026-11-25", title: "Split the auth module" });
 */
export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const ctx = resolveMemoryContext(options);
  return createSessionStoreIn(ctx, createDeepMemoryIn(ctx), options.onSessionDelete);
}

function transition(id: string, from: SessionStatus, to: SessionStatus): void {
  if (!SESSION_TRANSITIONS[from].includes(to)) {
    throw new InvalidTransitionError("session", id, from, to, SESSION_TRANSITIONS[from]);
  }
}

/** {@link createSessionStore} over a resolved context and an existing deep memory. */
export function createSessionStoreIn(
  ctx: MemoryContext,
  memories: DeepMemoryStore,
  onSessionDelete?: OnSessionDelete,
): SessionStore {
  const { backend, namespace, limits } = ctx;
  const scope = sessionsScope(namespace);
  const what = (id: string) => `Session "${id}"`;

  const moveTo = (id: string, ifVersion: number | undefined, to: "completed" | "archived") =>
    readModifyWrite({
      backend,
      scope,
      key: id,
      ifVersion,
      what: what(id),
      notFound: () => new SessionNotFoundError(id, namespace),
      decode: (record) => toSession(namespace, record),
      change: (current) => {
        if (current.status === to) return null;
        transition(id, current.status, to);
        const now = ctx.nowIso();
        const stamp = to === "completed" ? { completedAt: now } : { archivedAt: now };
        return { ...withoutVersion(current), status: to, updatedAt: now, ...stamp };
      },
    });

  return {
    async create(raw) {
      const input = parseInput(SessionCreateInput, raw, "session.create input");
      const check = checkSessionId(input.id, ctx.namingPolicy);
      if (check.warning) ctx.logger?.warn(check.warning, { sessionId: input.id });
      const tags = checkTags(input.tags, limits);
      const metadata = checkMeta(input.metadata, limits);
      const now = ctx.nowIso();
      const session: Omit<Session, "version"> = {
        id: input.id,
        ...(input.title !== undefined ? { title: input.title } : {}),
        tags,
        status: "active",
        createdAt: now,
        updatedAt: now,
        metadata: metadata as Session["metadata"],
        ...(check.parts ?? {}),
      };
      try {
        return toSession(namespace, await backend.put(scope, input.id, session, { ifVersion: 0 }));
      } catch (error) {
        if (hasErrorCode(error, "VERSION_CONFLICT")) {
          throw new AlreadyExistsError(`Session "${input.id}" already exists in namespace "${namespace}".`, {
            sessionId: input.id,
            namespace,
          });
        }
        throw error;
      }
    },

    async get(raw) {
      const { id } = parseInput(SessionGetInput, raw, "session.get input");
      return requireSession(ctx, checkLookupId(id));
    },

    async list(raw = {}) {
      return listSessions(ctx, parseInput(SessionListInput, raw, "session.list input"));
    },

    async complete(raw) {
      const input = parseInput(SessionCompleteInput, raw, "session.complete input");
      const id = checkLookupId(input.id);
      const lessons = (input.lessons ?? []).map((l) => (typeof l === "string" ? { content: l } : l));
      checkCountLimit(lessons.length, MAX_LESSONS, "lessons");
      const checked = lessons.map((l, i) => {
        checkNotBlank(l.content, `lessons.${i}.content`);
        checkText(l.content, limits.memoryContentBytes, `lessons.${i}.content`);
        return { ...l, tags: checkTags(l.tags, limits, `lessons.${i}.tags`) };
      });
      const { after, changed } = await moveTo(id, input.ifVersion, "completed");
      const created: DeepMemory[] = [];
      // A repeated complete is a no-op and adds no lessons, so a retry never duplicates them.
      if (changed) {
        for (const l of checked) {
          created.push(
            await memories.create({
              content: l.content,
              kind: "lesson",
              tags: l.tags,
              ...(l.importance !== undefined ? { importance: l.importance } : {}),
              sessionId: id,
            }),
          );
        }
      }
      return { session: after, lessons: created };
    },

    async archive(raw) {
      const input = parseInput(SessionArchiveInput, raw, "session.archive input");
      return (await moveTo(checkLookupId(input.id), input.ifVersion, "archived")).after;
    },

    async delete(raw) {
      const input = parseInput(SessionDeleteInput, raw, "session.delete input");
      const id = checkLookupId(input.id);
      let session = await requireSession(ctx, id);
      if (input.ifVersion !== undefined && input.ifVersion !== session.version) {
        throw new VersionConflictError(what(id), input.ifVersion, session.version);
      }
      const receipt: SessionDeleteReceipt = {
        id,
        sessions: 0,
        messages: 0,
        cache: 0,
        memberships: 0,
        memories: 0,
      };
      if (input.cascade) {
        // Archive first so that appends and cache writes stop before their data is removed.
        if (session.status !== "archived") session = (await moveTo(id, input.ifVersion, "archived")).after;
        const messages = messagesScope(namespace, id);
        receipt.messages = await backend.logLength(messages);
        await backend.deleteLog(messages);
        receipt.cache = await backend.clear(cacheScope(namespace, id));
        if (onSessionDelete) receipt.memberships = (await onSessionDelete(id)).memberships;
      }
      if (input.forgetMemories) receipt.memories = await forget(memories, id);
      try {
        const guard = input.ifVersion !== undefined ? { ifVersion: session.version } : {};
        receipt.sessions = (await backend.delete(scope, id, guard)) ? 1 : 0;
      } catch (error) {
        if (!hasErrorCode(error, "VERSION_CONFLICT")) throw error;
        const current = Number((error.details as { currentVersion?: unknown }).currentVersion ?? 0);
        throw new VersionConflictError(what(id), session.version, current);
      }
      return receipt;
    },
  };
}

/** Delete every deep memory linked to a session; returns how many went. */
async function forget(memories: DeepMemoryStore, sessionId: string): Promise<number> {
  let removed = 0;
  for (;;) {
    const hits = await memories.search({ sessionId, limit: 100 });
    if (!hits.length) return removed;
    for (const hit of hits) {
      try {
        await memories.delete({ id: hit.memory.id });
        removed++;
      } catch (error) {
        if (!hasErrorCode(error, "MEMORY_NOT_FOUND")) throw error;
      }
    }
  }
}
