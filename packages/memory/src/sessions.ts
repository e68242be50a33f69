import {
  AlreadyExistsError,
  cacheScope,
  checkSessionId,
  type DeepMemory,
  hasErrorCode,
  InvalidTransitionError,
  messagesScope,
  type Session,
  SessionNotActiveError,
  SessionNotFoundError,
  type SessionStatus,
  type StoredRecord,
  sessionsScope,
  ValidationError,
  VersionConflictError,
} from "@tta-dev/core";
import { type MemoryContext, type MemoryContextOptions, resolveMemoryContext } from "./context.js";
import { createDeepMemoryIn, type DeepMemoryStore, type GroupLinks } from "./deep-memory.js";
import { checkMeta, checkNotBlank, checkTags, checkText, parseInput } from "./guards.js";
import { lessonMemoryId } from "./lesson-id.js";
import { readModifyWrite } from "./read-modify-write.js";
import { toSession, withoutVersion } from "./records.js";
import type { Page } from "./schemas/common.js";
import {
  SessionArchiveInput,
  SessionCompleteInput,
  SessionCreateInput,
  SessionDeleteInput,
  SessionGetInput,
  SessionListInput,
  SessionSetStageInput,
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
/**
 * The metadata key a cascading delete stamps on the session (with the time) as it archives it, before
 * its data goes: a delete or a `forget` that dies part-way leaves it there, and every later `forget` of
 * the sessions layer takes such a session whatever its rules say (its status and age were changed by
 * the archive), so that running the same forget again finishes the job.
 */
export const DELETING_KEY = "tta:deleting";

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

/** Sessions (docs/domain.md#sessions). */
export interface SessionStore {
  /** @throws NAME_INVALID, ALREADY_EXISTS */
  create(input: SessionCreateInput): Promise<Session>;
  /** @throws SESSION_NOT_FOUND */
  get(input: SessionGetInput): Promise<Session>;
  list(input?: SessionListInput): Promise<Page<Session>>;
  complete(input: SessionCompleteInput): Promise<SessionCompleteResult>;
  archive(input: SessionArchiveInput): Promise<Session>;
  /**
   * Record the workflow stage the session is in; the same stage again changes nothing.
   * @throws SESSION_NOT_FOUND, SESSION_NOT_ACTIVE, VERSION_CONFLICT
   */
  setStage(input: SessionSetStageInput): Promise<Session>;
  delete(input: SessionDeleteInput): Promise<SessionDeleteReceipt>;
}

/** How sessions reach session groups (wired by the workflow to @tta-dev/groups). */
export interface SessionGroupHooks {
  /** Called on a cascading delete to remove the session from its groups. */
  onSessionDelete?: OnSessionDelete;
  /** Counts a session's memberships (a delete without cascade refuses while it has any). */
  groups?: GroupLinks;
}

/** Options of {@link createSessionStore}. */
export interface SessionStoreOptions extends MemoryContextOptions, SessionGroupHooks {}

/**
 * Sessions over any backend.
 *
 * @example
 * const sessions = createSessionStore({ backend: createInMemoryBackend() });
 * await sessions.create({ id: "auth-refactor-2026-11-25", title: "Split the auth module" });
 */
export function createSessionStore(options: SessionStoreOptions): SessionStore {
  const ctx = resolveMemoryContext(options);
  return createSessionStoreIn(ctx, createDeepMemoryIn(ctx, options.groups), {
    ...(options.onSessionDelete ? { onSessionDelete: options.onSessionDelete } : {}),
    ...(options.groups ? { groups: options.groups } : {}),
  });
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
  hooks: SessionGroupHooks = {},
): SessionStore {
  const { backend, namespace, limits } = ctx;
  const { onSessionDelete, groups: links } = hooks;
  const scope = sessionsScope(namespace);
  const what = (id: string) => `Session "${id}"`;

  /** Move a session to `to`; `deleting` also marks it as being deleted (see {@link DELETING_KEY}). */
  const moveTo = (
    id: string,
    ifVersion: number | undefined,
    to: "completed" | "archived",
    deleting = false,
  ) =>
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
        const metadata = deleting ? { ...current.metadata, [DELETING_KEY]: now } : current.metadata;
        return { ...withoutVersion(current), status: to, updatedAt: now, ...stamp, metadata };
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
      const left = await leftovers(input.id, false);
      if (left.record) throw alreadyExists(input.id);
      if (left.total > 0) {
        throw new AlreadyExistsError(
          `Session "${input.id}" was deleted, but ${describeLeftovers(left)} of it remain; remove them with \`tta session delete ${input.id} --cascade\`, or choose another id.`,
          { sessionId: input.id, namespace, messages: left.messages, cache: left.cache },
        );
      }
      try {
        return toSession(namespace, await backend.put(scope, input.id, session, { ifVersion: 0 }));
      } catch (error) {
        if (hasErrorCode(error, "VERSION_CONFLICT")) throw alreadyExists(input.id);
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
      const checked = lessons.map((l, i) => {
        checkNotBlank(l.content, `lessons.${i}.content`);
        checkText(l.content, limits.memoryContentBytes, `lessons.${i}.content`);
        return { ...l, tags: checkTags(l.tags, limits, `lessons.${i}.tags`) };
      });
      const session = await requireSession(ctx, id);
      if (input.ifVersion !== undefined && input.ifVersion !== session.version) {
        throw new VersionConflictError(what(id), input.ifVersion, session.version);
      }
      if (session.status !== "completed") transition(id, session.status, "completed");
      // Lessons first, under ids derived from the session and the text: a completed session always
      // has all its lessons, and a retry after a failure (or a repeated call) stores nothing twice. A
      // lesson already stored with the same text (by any session) is returned instead of a copy.
      const stored: DeepMemory[] = [];
      for (const l of checked) {
        const tags = checkTags([...session.tags, ...l.tags], limits, "lessons.tags");
        const importance = l.importance ?? input.importance;
        const { memory } = await memories.ensure(lessonMemoryId(id, session.createdAt, l.content), {
          content: l.content,
          kind: "lesson",
          tags,
          ...(importance !== undefined ? { importance } : {}),
          sessionId: id,
          dedupe: true,
        });
        stored.push(memory);
      }
      const { after } = await moveTo(id, input.ifVersion, "completed");
      return { session: after, lessons: stored };
    },

    async archive(raw) {
      const input = parseInput(SessionArchiveInput, raw, "session.archive input");
      return (await moveTo(checkLookupId(input.id), input.ifVersion, "archived")).after;
    },

    async setStage(raw) {
      const input = parseInput(SessionSetStageInput, raw, "session.setStage input");
      const id = checkLookupId(input.id);
      const { after } = await readModifyWrite({
        backend,
        scope,
        key: id,
        ifVersion: input.ifVersion,
        what: what(id),
        notFound: () => new SessionNotFoundError(id, namespace),
        decode: (record) => toSession(namespace, record),
        change: (current) => {
          if (current.status !== "active") throw new SessionNotActiveError(id, current.status);
          if (current.stage === input.stage) return null;
          return { ...withoutVersion(current), stage: input.stage, updatedAt: ctx.nowIso() };
        },
      });
      return after;
    },

    async delete(raw) {
      const input = parseInput(SessionDeleteInput, raw, "session.delete input");
      const id = checkLookupId(input.id);
      const left = await leftovers(id, true);
      let session = left.record ? toSession(namespace, left.record) : null;
      if (!session) {
        // Data of a session deleted without --cascade by an older version (or a write that raced a
        // delete): a cascading delete removes it, so that the id can be used again.
        if (!input.cascade || left.total === 0) throw new SessionNotFoundError(id, namespace);
      } else if (input.ifVersion !== undefined && input.ifVersion !== session.version) {
        throw new VersionConflictError(what(id), input.ifVersion, session.version);
      }
      if (!input.cascade && left.total > 0) {
        throw new ValidationError(
          `Session "${id}" still has ${describeLeftovers(left)}; delete it with --cascade (cascade: true) to remove them too.`,
          { sessionId: id, ...left, issues: [{ path: "cascade", message: "required while data remains" }] },
        );
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
        if (session && session.status !== "archived") {
          session = (await moveTo(id, input.ifVersion, "archived", true)).after;
        }
        const cleared = await clearSessionData(id);
        receipt.messages = cleared.messages;
        receipt.cache = cleared.cache;
        if (onSessionDelete) receipt.memberships = (await onSessionDelete(id)).memberships;
      }
      if (input.forgetMemories) receipt.memories = await forget(memories, id);
      if (session) {
        try {
          const guard = input.ifVersion !== undefined ? { ifVersion: session.version } : {};
          receipt.sessions = (await backend.delete(scope, id, guard)) ? 1 : 0;
        } catch (error) {
          if (!hasErrorCode(error, "VERSION_CONFLICT")) throw error;
          const current = Number((error.details as { currentVersion?: unknown }).currentVersion ?? 0);
          throw new VersionConflictError(what(id), session.version, current);
        }
        // A write that checked the session just before it was archived may land after the first sweep.
        if (input.cascade) {
          const late = await clearSessionData(id);
          receipt.messages += late.messages;
          receipt.cache += late.cache;
        }
      }
      return receipt;
    },
  };

  /** The session's record and what it holds besides: messages, live cache entries, memberships. */
  async function leftovers(id: string, withMemberships: boolean): Promise<Leftovers> {
    const [record, messages, cachePage] = (await backend.batch([
      { op: "get", scope, key: id },
      { op: "logLength", scope: messagesScope(namespace, id) },
      { op: "list", scope: cacheScope(namespace, id), options: { limit: 1000 } },
    ])) as [StoredRecord | null, number, { items: unknown[]; nextCursor: string | null }];
    const cache = cachePage.items.length + (cachePage.nextCursor ? 1 : 0);
    const memberships = withMemberships && links ? await links.memberships(id) : 0;
    return { record, messages, cache, memberships, total: messages + cache + memberships };
  }

  function alreadyExists(id: string): AlreadyExistsError {
    return new AlreadyExistsError(`Session "${id}" already exists in namespace "${namespace}".`, {
      sessionId: id,
      namespace,
    });
  }

  /** Remove the session's messages and cache; returns how many of each went. */
  async function clearSessionData(id: string): Promise<{ messages: number; cache: number }> {
    const scope = messagesScope(namespace, id);
    const messages = await backend.logLength(scope);
    if (messages > 0) await backend.deleteLog(scope);
    return { messages, cache: await backend.clear(cacheScope(namespace, id)) };
  }
}

interface Leftovers {
  record: StoredRecord | null;
  messages: number;
  cache: number;
  memberships: number;
  total: number;
}

function describeLeftovers(left: Leftovers): string {
  const parts = [
    left.messages ? `${left.messages} message${left.messages === 1 ? "" : "s"}` : "",
    left.cache
      ? `${left.cache > 1000 ? "over 1000" : left.cache} cache entr${left.cache === 1 ? "y" : "ies"}`
      : "",
    left.memberships ? `${left.memberships} group membership${left.memberships === 1 ? "" : "s"}` : "",
  ].filter(Boolean);
  return parts.join(", ");
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
