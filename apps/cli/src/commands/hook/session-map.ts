import { hasErrorCode, type Session } from "@tta-dev/core";
import type { HookEnv } from "./claude-code.js";
import { sha } from "./keys.js";
import { type SessionNaming, sessionNameFor } from "./names.js";

/** An agent session, as a hook event names it. */
export interface AgentSessionRef {
  /** The agent: `claude-code`, `codex`, `cursor`… (lower-case letters, digits, `-`). */
  agent: string;
  /** The agent's own id of the session. */
  sessionId: string;
  /** The folder the agent works in; the session name is derived from it. */
  cwd?: string;
}

/** Longest tag core accepts. */
const MAX_TAG = 64;

/**
 * The tag that marks the tta session of one agent session: `<agent>:<id>`. An id that is not already
 * a tag word (lower-case letters, digits, `.`, `_`→`.`, `-`), or too long, is replaced by a hash of it
 * (`h.<32 hex>`), so two ids never share a tag.
 */
export function sessionTag(agent: string, sessionId: string): string {
  const word = agent === "claude-code" ? sessionId.toLowerCase().replace(/_/g, ".") : sessionId;
  const tag = `${agent}:${word}`;
  if (tag.length <= MAX_TAG && /^[a-z0-9][a-z0-9._-]*$/.test(word)) return tag;
  return `${agent}:h.${sha(sessionId).slice(0, 32)}`;
}

/**
 * The tta session of an agent session: the active one tagged with `sessionTag`, else a new one named
 * after the work (`{component}-{purpose}-{date}` from the git branch or the folder). The mapping lives
 * in tta itself, as the session's tag; a resumed agent session finds its session again.
 */
export async function agentSessionFor(
  env: HookEnv,
  ref: AgentSessionRef,
  naming: SessionNaming = {},
): Promise<Session> {
  const tag = sessionTag(ref.agent, ref.sessionId);
  const found = await env.call("session.list", { tag, status: "active", limit: 1 });
  if (found.items[0]) return found.items[0];
  const cwd = ref.cwd ?? env.cwd;
  const who = ref.agent === "claude-code" ? "Claude Code" : ref.agent;
  for (let attempt = 1; attempt <= 20; attempt++) {
    const id = sessionNameFor(cwd, env.now(), attempt, undefined, naming);
    try {
      return await env.call("session.create", {
        id,
        title: `${who} session ${ref.sessionId}`,
        tags: [ref.agent, tag],
        metadata: { agent: ref.agent, agentSessionId: ref.sessionId, cwd: cwd.slice(0, 1024) },
      });
    } catch (error) {
      if (!hasErrorCode(error, "ALREADY_EXISTS")) throw error;
      // Another run for the same agent session may have created it a moment ago.
      const taken = await env.call("session.get", { id }).catch(() => null);
      if (taken?.status === "active" && taken.tags.includes(tag)) return taken;
    }
  }
  throw new Error(`no free session name for ${ref.agent} session ${ref.sessionId} after 20 attempts`);
}
