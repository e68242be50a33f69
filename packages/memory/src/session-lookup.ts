import {
  type AppendedEntry,
  appendWhen,
  checkSessionId,
  isSafeId,
  type LogItem,
  messagesScope,
  type Session,
  SessionNotActiveError,
  SessionNotFoundError,
  type StoredRecord,
  sessionsScope,
} from "@tta-dev/core";
import type { MemoryContext } from "./context.js";
import { toSession } from "./records.js";

/**
 * Check an id used to look a session up: any safe id, whatever the naming policy (sessions created
 * under a looser policy, or imported, stay reachable).
 *
 * @throws NAME_INVALID
 */
export function checkLookupId(id: string): string {
  // A safe id needs no parse of its name; anything else gets checkSessionId's error.
  return isSafeId(id) ? id : checkSessionId(id, "off").id;
}

/** The session of a record that a batch read returned, or SESSION_NOT_FOUND. */
export function sessionOf(ctx: MemoryContext, id: string, record: StoredRecord | null): Session {
  if (!record) throw new SessionNotFoundError(id, ctx.namespace);
  return toSession(ctx.namespace, record);
}

/** Read a session or fail SESSION_NOT_FOUND. */
export async function requireSession(ctx: MemoryContext, id: string): Promise<Session> {
  return sessionOf(ctx, id, await ctx.backend.get(sessionsScope(ctx.namespace), id));
}

/** Read a session that must be `active` (SESSION_NOT_FOUND, SESSION_NOT_ACTIVE). */
export async function requireActiveSession(ctx: MemoryContext, id: string): Promise<Session> {
  const session = await requireSession(ctx, id);
  if (session.status !== "active") throw new SessionNotActiveError(id, session.status);
  return session;
}

/**
 * Append to the messages of a session that must be `active` (SESSION_NOT_FOUND, SESSION_NOT_ACTIVE),
 * the check travelling with the append: one round trip, and atomic, where the backend can.
 */
export async function appendToActiveSession(
  ctx: MemoryContext,
  id: string,
  items: readonly LogItem[],
): Promise<AppendedEntry[]> {
  const result = await appendWhen(
    ctx.backend,
    { scope: sessionsScope(ctx.namespace), key: id, field: "status", equals: "active" },
    messagesScope(ctx.namespace, id),
    items,
  );
  if (result.ok) return result.entries;
  const session = sessionOf(ctx, id, result.record);
  throw new SessionNotActiveError(id, session.status);
}
