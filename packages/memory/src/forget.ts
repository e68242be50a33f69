import {
  cacheScope,
  type DeepMemory,
  ForgetInput,
  type ForgetReceipt,
  hasErrorCode,
  type MemoryBackend,
  memoriesScope,
  messagesScope,
  type RetentionRule,
  type Scope,
  type Session,
  type StoredRecord,
  sessionsScope,
} from "@tta-dev/core";
import type { MemoryContext } from "./context.js";
import type { DeepMemoryStore } from "./deep-memory.js";
import { parseInput } from "./guards.js";
import { sessionLayerReads } from "./reads.js";
import { toMemory, toSession } from "./records.js";
import { DELETING_KEY, type SessionStore } from "./sessions.js";

/** Records are read a page at a time: memory stays flat whatever the store holds. */
const PAGE = 1000;
/** Latest messages and cache sizes are read for this many sessions per round trip. */
const BATCH = 100;

/** Every live record of a scope, a page at a time. */
export async function* allRecords(backend: MemoryBackend, scope: Scope): AsyncGenerator<StoredRecord> {
  let cursor: string | undefined;
  do {
    const page = await backend.list(scope, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** Options of {@link forgetIn}. */
export interface ForgetOptions {
  /** The rules `applyPolicy` adds (the configuration's `retention:`). */
  policy?: readonly RetentionRule[];
  /** How many groups list a session (for the receipt's `memberships`); 0 without it. */
  memberships?: (sessionId: string) => Promise<number>;
}

const anyOf = (have: readonly string[], wanted: readonly string[] | undefined) =>
  wanted === undefined || wanted.some((t) => have.includes(t));

/** Whether a session meets a rule's conditions other than its age of activity. */
function sessionMatches(rule: RetentionRule, s: Session, now: number): boolean {
  if (rule.status && !rule.status.includes(s.status)) return false;
  if (rule.archivedForMs !== undefined) {
    if (s.status !== "archived" || s.archivedAt === undefined) return false;
    if (now - Date.parse(s.archivedAt) < rule.archivedForMs) return false;
  }
  return anyOf(s.tags, rule.tags);
}

/** Whether an unpinned memory meets every condition of a rule. */
function memoryMatches(rule: RetentionRule, m: DeepMemory, now: number): boolean {
  if (rule.kinds && !rule.kinds.includes(m.kind)) return false;
  if (rule.importanceBelow !== undefined && !(m.importance < rule.importanceBelow)) return false;
  if (rule.olderThanMs !== undefined && now - Date.parse(m.updatedAt) < rule.olderThanMs) return false;
  if (rule.expired && (m.expiresAt === undefined || Date.parse(m.expiresAt) > now)) return false;
  return anyOf(m.tags, rule.tags);
}

interface Selected {
  sessions: Map<string, { version: number; messages: number; cache: number; memberships: number }>;
  memories: Map<string, number>;
  skipped: { id: string; reason: string }[];
}

/**
 * Forget on purpose (docs/domain.md#forgetting): select what the rules and the named ids take, then,
 * unless `dryRun`, delete exactly that, each session with its messages, cache entries and group
 * memberships, each memory on its own, and return the receipt of what went. A record changed between
 * the selection and its deletion is left alone and listed in `skipped`; a re-run after a crash picks
 * up what is left, so forgetting is idempotent.
 */
export async function forgetIn(
  ctx: MemoryContext,
  stores: { sessions: SessionStore; memories: DeepMemoryStore },
  raw: unknown,
  options: ForgetOptions = {},
): Promise<ForgetReceipt> {
  const input = parseInput(ForgetInput, raw, "forget input");
  const { backend, namespace } = ctx;
  const now = ctx.clock.now();
  const rules = [...(input.rules ?? []), ...(input.applyPolicy ? (options.policy ?? []) : [])];
  const sessionRules = rules.filter((r) => r.layer === "sessions");
  const memoryRules = rules.filter((r) => r.layer === "memories");
  const picked: Selected = { sessions: new Map(), memories: new Map(), skipped: [] };
  const namedSessions = new Set(input.sessionIds ?? []);
  const namedMemories = new Set(input.memoryIds ?? []);

  // Sessions: the rules' other conditions first, then the age of the latest activity for those left.
  const found = new Set<string>();
  let waiting: { session: Session; needsAge: RetentionRule[]; resume: boolean }[] = [];
  const settle = async () => {
    const batch = waiting;
    waiting = [];
    if (!batch.length) return;
    const reads = batch.flatMap(({ session }) => {
      const r = sessionLayerReads(namespace, session.id);
      return [r.lastMessages(1), { op: "logLength" as const, scope: messagesScope(namespace, session.id) }];
    });
    const results = await backend.batch(reads);
    for (const [i, { session, needsAge, resume }] of batch.entries()) {
      const last = results[2 * i] as { seq: number; value: { createdAt?: unknown } }[];
      const latest = typeof last[0]?.value?.createdAt === "string" ? Date.parse(last[0].value.createdAt) : 0;
      const active = Math.max(Date.parse(session.updatedAt), Number.isNaN(latest) ? 0 : latest);
      const take =
        resume ||
        namedSessions.has(session.id) ||
        needsAge.some((r) => r.olderThanMs === undefined || now - active >= r.olderThanMs);
      if (!take) continue;
      let cache = 0;
      for await (const _ of allRecords(backend, cacheScope(namespace, session.id))) cache++;
      picked.sessions.set(session.id, {
        version: session.version,
        messages: results[2 * i + 1] as number,
        cache,
        memberships: options.memberships ? await options.memberships(session.id) : 0,
      });
    }
  };
  if (sessionRules.length || namedSessions.size) {
    for await (const record of allRecords(backend, sessionsScope(namespace))) {
      const session = toSession(namespace, record);
      found.add(session.id);
      const needsAge = sessionRules.filter((r) => sessionMatches(r, session, now));
      // A session whose cascading delete was cut short: its archive changed its status and age.
      const resume = sessionRules.length > 0 && typeof session.metadata[DELETING_KEY] === "string";
      if (!needsAge.length && !resume && !namedSessions.has(session.id)) continue;
      waiting.push({ session, needsAge, resume });
      if (waiting.length >= BATCH) await settle();
    }
    await settle();
  }
  for (const id of namedSessions) if (!found.has(id)) picked.skipped.push({ id, reason: "not found" });

  // Memories: pinned ones only when named.
  if (memoryRules.length || namedMemories.size) {
    const seen = new Set<string>();
    for await (const record of allRecords(backend, memoriesScope(namespace))) {
      const m = toMemory(namespace, record);
      seen.add(m.id);
      const take =
        namedMemories.has(m.id) || (!m.pinned && memoryRules.some((r) => memoryMatches(r, m, now)));
      if (take) picked.memories.set(m.id, m.version);
    }
    for (const id of namedMemories) if (!seen.has(id)) picked.skipped.push({ id, reason: "not found" });
  }

  const receipt: ForgetReceipt = {
    dryRun: input.dryRun ?? false,
    sessions: { count: 0, ids: [] },
    messages: 0,
    cache: 0,
    memberships: 0,
    memories: { count: 0, ids: [] },
    skipped: picked.skipped,
  };
  const gone = { sessions: [] as string[], memories: [] as string[] };
  if (input.dryRun) {
    for (const [id, s] of picked.sessions) {
      gone.sessions.push(id);
      receipt.messages += s.messages;
      receipt.cache += s.cache;
      receipt.memberships += s.memberships;
    }
    gone.memories.push(...picked.memories.keys());
  } else {
    for (const [id, s] of picked.sessions) {
      try {
        const r = await stores.sessions.delete({ id, cascade: true, ifVersion: s.version });
        gone.sessions.push(id);
        receipt.messages += r.messages;
        receipt.cache += r.cache;
        receipt.memberships += r.memberships;
      } catch (error) {
        if (hasErrorCode(error, "VERSION_CONFLICT"))
          receipt.skipped.push({ id, reason: "changed since selected" });
        else if (hasErrorCode(error, "SESSION_NOT_FOUND")) receipt.skipped.push({ id, reason: "not found" });
        else throw error;
      }
    }
    for (const [id, version] of picked.memories) {
      try {
        await stores.memories.delete({ id, ifVersion: version });
        gone.memories.push(id);
      } catch (error) {
        if (hasErrorCode(error, "VERSION_CONFLICT"))
          receipt.skipped.push({ id, reason: "changed since selected" });
        else if (hasErrorCode(error, "MEMORY_NOT_FOUND")) receipt.skipped.push({ id, reason: "not found" });
        else throw error;
      }
    }
  }
  receipt.sessions = { count: gone.sessions.length, ids: gone.sessions.sort() };
  receipt.memories = { count: gone.memories.length, ids: gone.memories.sort() };
  receipt.skipped.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return receipt;
}
