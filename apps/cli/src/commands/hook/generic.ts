import { MAX_CACHE_TTL_MS, type MessageRole } from "@tta-dev/core";
import type { HookEnv } from "./claude-code.js";
import { eventObject, invalid, optionalString } from "./event.js";
import { sha } from "./keys.js";
import type { SessionNaming } from "./names.js";
import { agentSessionFor, sessionTag } from "./session-map.js";
import { startContext } from "./start-context.js";
import { fit, hasLoneSurrogate } from "./text.js";

/*
 * `tta hook generic`: the same handlers as `tta hook claude-code`, behind a small JSON contract any
 * agent can speak (documented in the CLI README, "Agent hooks → tta hook generic").
 */

/** The events of the generic hook contract. */
export const GENERIC_EVENTS = ["session_start", "prompt", "messages", "pre_compact", "session_end"] as const;
export type GenericEventName = (typeof GENERIC_EVENTS)[number];

const SOURCES = ["startup", "resume", "clear", "compact"] as const;
const ROLES: readonly MessageRole[] = ["user", "assistant", "system", "tool"];
/** Messages one `messages` event carries at most. */
export const MAX_GENERIC_MESSAGES = 1000;

const AGENT = /^[a-z][a-z0-9-]{0,23}$/;

/** One generic hook event, checked. */
export interface GenericEvent {
  agent: string;
  sessionId: string;
  event: GenericEventName;
  cwd?: string;
  source?: (typeof SOURCES)[number];
  prompt?: string;
  promptId?: string;
  messages?: { role: MessageRole; content: string; id?: string; timestamp?: string }[];
  reason?: string;
}

/** Check one generic hook event; anything malformed fails `VALIDATION_FAILED` naming the field. */
export function parseGenericEvent(raw: string): GenericEvent {
  const o = eventObject(raw);
  const agent = optionalString(o, "agent", 24) ?? "generic";
  if (!AGENT.test(agent)) throw invalid("agent must be 1–24 lower-case letters, digits or -", "agent");
  const sessionId = optionalString(o, "session_id", 200);
  if (
    !sessionId ||
    /[\u0000-\u001f\u007f]/.test(sessionId) ||
    !sessionId.trim() ||
    hasLoneSurrogate(sessionId)
  ) {
    throw invalid(
      "session_id must be a string of 1–200 printable characters (well-formed text)",
      "session_id",
    );
  }
  const name = o.event;
  if (typeof name !== "string" || !(GENERIC_EVENTS as readonly string[]).includes(name)) {
    throw invalid(`event must be one of ${GENERIC_EVENTS.join(", ")}`, "event");
  }
  const event: GenericEvent = { agent, sessionId, event: name as GenericEventName };
  const cwd = optionalString(o, "cwd", 4096);
  if (cwd) event.cwd = cwd;
  if (event.event === "session_start") {
    const source = optionalString(o, "source", 32) ?? "startup";
    if (!(SOURCES as readonly string[]).includes(source)) {
      throw invalid(`source must be one of ${SOURCES.join(", ")}`, "source");
    }
    event.source = source as GenericEvent["source"];
  }
  if (event.event === "prompt") {
    if (typeof o.prompt !== "string") throw invalid("prompt must be a string", "prompt");
    event.prompt = o.prompt;
    const id = optionalString(o, "prompt_id", 200);
    if (id) event.promptId = id;
  }
  if (event.event === "messages") {
    const list = o.messages;
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_GENERIC_MESSAGES) {
      throw invalid(`messages must be an array of 1–${MAX_GENERIC_MESSAGES} messages`, "messages");
    }
    event.messages = list.map((m, i) => {
      const path = `messages[${i}]`;
      if (typeof m !== "object" || m === null || Array.isArray(m))
        throw invalid(`${path} must be an object`, path);
      const item = m as Record<string, unknown>;
      const role = item.role ?? "user";
      if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) {
        throw invalid(`${path}.role must be one of ${ROLES.join(", ")}`, `${path}.role`);
      }
      if (typeof item.content !== "string")
        throw invalid(`${path}.content must be a string`, `${path}.content`);
      const id = optionalString(item, "id", 200, `${path}.id`);
      const timestamp = optionalString(item, "timestamp", 64, `${path}.timestamp`);
      return {
        role: role as MessageRole,
        content: item.content,
        ...(id ? { id } : {}),
        ...(timestamp ? { timestamp } : {}),
      };
    });
  }
  const reason = optionalString(o, "reason", 64);
  if (reason) event.reason = reason;
  return event;
}

/** What the generic hook is told to do (flags of `tta hook generic`). */
export interface GenericHookOptions {
  events: ReadonlySet<string>;
  completeOnEnd: boolean;
  defaultStage: string;
  maxContextChars: number;
  naming?: SessionNaming;
}

/** The key space of one agent session's messages. */
function keyBase(event: GenericEvent): string {
  return `g:${sha(sessionTag(event.agent, event.sessionId)).slice(0, 24)}`;
}

/**
 * Append a prompt. With `prompt_id` the id is the key. Without one, a prompt equal to the session's
 * latest message is the same event seen again; otherwise its key is tied to that latest message, so
 * the same text typed again after a reply is a new message, and two runs of one event store it once.
 */
async function appendPrompt(env: HookEnv, sessionId: string, event: GenericEvent): Promise<number> {
  const prompt = event.prompt ?? "";
  if (!prompt.trim()) return 0;
  const content = fit(prompt, env.limits.messageContentBytes);
  const latest = (await env.call("message.list", { sessionId, last: 1 })).items[0];
  let key: string;
  if (event.promptId) key = `${keyBase(event)}:p:${sha(event.promptId).slice(0, 40)}`;
  else {
    if (latest && latest.role === "user" && latest.content === content) return 0;
    key = `${keyBase(event)}:p:${sha(`${latest?.seq ?? "start"}\u0000${prompt}`).slice(0, 40)}`;
  }
  const stored = await env.call("message.append", {
    sessionId,
    role: "user",
    content,
    metadata: { source: event.agent, event: "prompt" },
    idempotencyKey: key,
  });
  // A prompt seen before comes back with the seq it was stored at.
  return "seq" in stored && stored.seq > (latest?.seq ?? 0) ? 1 : 0;
}

/**
 * Append the event's messages. A message with an `id` is keyed by it; one without, by its role, text,
 * timestamp and its place among the event's messages of the same role, text and timestamp.
 */
async function appendMessages(env: HookEnv, sessionId: string, event: GenericEvent): Promise<number> {
  const seen = new Map<string, number>();
  const items = (event.messages ?? [])
    .filter((m) => m.content.trim())
    .map((m) => {
      let key: string;
      if (m.id) key = `${keyBase(event)}:m:${sha(m.id).slice(0, 40)}`;
      else {
        const body = `${m.role}\u0000${m.timestamp ?? ""}\u0000${m.content}`;
        const n = (seen.get(body) ?? 0) + 1;
        seen.set(body, n);
        key = `${keyBase(event)}:h:${sha(`${body}\u0000${n}`).slice(0, 40)}`;
      }
      return {
        role: m.role,
        content: fit(m.content, env.limits.messageContentBytes),
        metadata: {
          source: event.agent,
          ...(m.id ? { id: m.id.slice(0, 200) } : {}),
          ...(m.timestamp ? { timestamp: m.timestamp } : {}),
        },
        idempotencyKey: key,
      };
    });
  if (items.length === 0) return 0;
  // Messages seen before come back with the seqs they were stored at; new ones come after `before`.
  const before = (await env.call("message.list", { sessionId, last: 1 })).items[0]?.seq ?? 0;
  const size = Math.max(1, Math.min(env.limits.batchAppend, 200));
  let stored = 0;
  for (let i = 0; i < items.length; i += size) {
    const out = await env.call("message.append", { sessionId, messages: items.slice(i, i + size) });
    const batch = "items" in out ? out.items : [out];
    stored += batch.filter((m) => m.seq > before).length;
  }
  return stored;
}

/** What one generic event did: the JSON line printed on stdout. */
export interface GenericOutcome {
  stdout: string;
  session?: string;
  stored: number;
}

/** Handle one checked generic event. */
export async function handleGenericEvent(
  env: HookEnv,
  options: GenericHookOptions,
  event: GenericEvent,
): Promise<GenericOutcome> {
  if (!options.events.has(event.event)) return { stdout: "", stored: 0 };
  const session = await agentSessionFor(env, event, options.naming);
  const reply = (fields: Record<string, unknown>, stored: number): GenericOutcome => ({
    stdout: `${JSON.stringify({ session: session.id, event: event.event, stored, ...fields })}\n`,
    session: session.id,
    stored,
  });
  switch (event.event) {
    case "session_start": {
      const { context, stage } = await startContext(env, session, {
        ...options,
        compacted: event.source === "compact",
      });
      return reply({ stage, context }, 0);
    }
    case "prompt":
      return reply({}, await appendPrompt(env, session.id, event));
    case "messages":
      return reply({}, await appendMessages(env, session.id, event));
    case "pre_compact":
    case "session_end": {
      await env.call("cache.set", {
        sessionId: session.id,
        key: `${event.agent}.event.${event.event}`,
        value: {
          event: event.event,
          agentSessionId: event.sessionId.slice(0, 200),
          ...(event.reason ? { reason: event.reason } : {}),
          at: new Date(env.now()).toISOString(),
        },
        ttlMs: MAX_CACHE_TTL_MS,
      });
      const completed = event.event === "session_end" && options.completeOnEnd;
      if (completed) await env.call("session.complete", { id: session.id });
      return reply(completed ? { completed: true } : {}, 0);
    }
  }
}
