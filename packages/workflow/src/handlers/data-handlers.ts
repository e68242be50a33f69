import type { Handlers } from "@tta-dev/contract";
import { ValidationError } from "@tta-dev/core";
import type { HandlerEnv } from "./create-handlers.js";

function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Sessions, messages, cache and deep memory. */
export function dataHandlers(env: HandlerEnv) {
  const m = (ns: string) => env.workflow(ns).memory;
  return {
    "session.create": (i, c) => m(c.namespace).sessions.create(defined(i)),
    "session.get": (i, c) => m(c.namespace).sessions.get({ id: i.id }),
    "session.list": (i, c) => m(c.namespace).sessions.list(defined(i)),
    "session.complete": async (i, c) => {
      const { session, lessons } = await m(c.namespace).sessions.complete(defined(i));
      return { ...session, lessons };
    },
    "session.archive": (i, c) => m(c.namespace).sessions.archive(defined(i)),
    "session.setStage": (i, c) => m(c.namespace).sessions.setStage(defined(i)),
    "session.delete": async (i, c) => {
      const r = await m(c.namespace).sessions.delete(defined(i));
      return {
        id: r.id,
        deleted: r.sessions > 0,
        counts: {
          sessions: r.sessions,
          messages: r.messages,
          cache: r.cache,
          memberships: r.memberships,
          memories: r.memories,
        },
      };
    },
    forget: (i, c) => {
      const { layer, olderThanMs, status, archivedForMs, kinds, importanceBelow, tags, expired, ...rest } = i;
      const conditions = defined({
        olderThanMs,
        status,
        archivedForMs,
        kinds,
        importanceBelow,
        tags,
        expired: expired ? (true as const) : undefined,
      });
      const rules = [...(rest.rules ?? [])];
      if (layer) rules.push({ layer, ...conditions });
      else if (Object.keys(conditions).length) {
        throw new ValidationError(
          "forget: a rule's conditions need its layer (--layer sessions or memories).",
          {
            issues: [{ path: "layer", message: "required with a rule's conditions" }],
          },
        );
      }
      if (!rules.length && !rest.sessionIds?.length && !rest.memoryIds?.length && !rest.applyPolicy) {
        throw new ValidationError(
          "forget: nothing to forget; give a rule (--layer and its conditions), ids (--session, --memory) or --apply-policy.",
          { issues: [{ path: "rules", message: "no rule, id or policy given" }] },
        );
      }
      return m(c.namespace).forget(defined({ ...rest, rules }), { policy: env.options.retention ?? [] });
    },
    "message.append": async (i, c) => {
      const store = m(c.namespace).messages;
      if (i.messages) {
        const items = await store.appendBatch({
          sessionId: i.sessionId,
          messages: i.messages.map((x) => defined(x)),
        });
        return { items };
      }
      if (i.content === undefined) {
        throw new ValidationError("message.append: give either content or messages.", {
          issues: [{ path: "content", message: "required without messages" }],
        });
      }
      return store.append(
        defined({
          sessionId: i.sessionId,
          role: i.role,
          content: i.content,
          metadata: i.metadata,
          idempotencyKey: i.idempotencyKey,
        }),
      );
    },
    "message.list": (i, c) => m(c.namespace).messages.list(defined(i)),
    "cache.set": (i, c) => m(c.namespace).cache.set(defined(i)),
    "cache.get": (i, c) => m(c.namespace).cache.get({ sessionId: i.sessionId, key: i.key }),
    "cache.list": (i, c) => m(c.namespace).cache.list(defined(i)),
    "cache.delete": async (i, c) => {
      const r = await m(c.namespace).cache.delete({ sessionId: i.sessionId, key: i.key });
      return { sessionId: i.sessionId, key: i.key, deleted: r.cache > 0, counts: { cache: r.cache } };
    },
    "memory.create": (i, c) => m(c.namespace).memories.create(defined(i)),
    "memory.get": (i, c) => m(c.namespace).memories.get({ id: i.id }),
    "memory.update": (i, c) => m(c.namespace).memories.update(defined(i)),
    "memory.delete": async (i, c) => {
      const r = await m(c.namespace).memories.delete(defined(i));
      return { id: r.id, deleted: r.memories > 0, counts: { memories: r.memories } };
    },
    "memory.search": (i, c) => m(c.namespace).memories.searchPage(defined(i)),
  } satisfies Partial<Handlers>;
}
