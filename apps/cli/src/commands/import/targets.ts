import { basename } from "node:path";
import {
  ErrorCode,
  hasErrorCode,
  type Session,
  SessionNotActiveError,
  TtaError,
  ValidationError,
} from "@tta-dev/core";
import { type HookEnv, sessionFor } from "../hook/claude-code.js";
import { sha } from "../hook/keys.js";
import { sessionNameFor } from "../hook/names.js";

/** Agent sessions one transcript may hold before `--session` is needed. */
export const MAX_AGENT_SESSIONS = 100;

/** The tag that finds the session a generic transcript was imported into, from its real path. */
export function importTag(realPath: string): string {
  return `import:${sha(realPath).slice(0, 16)}`;
}

/** `--session S`: it must exist and be active before anything is appended. */
export async function givenSession(env: HookEnv, id: string): Promise<Session> {
  const session = await env.call("session.get", { id });
  if (session.status !== "active") throw new SessionNotActiveError(session.id, session.status);
  return session;
}

/**
 * The tta session of each Claude Code session of the transcript: the one the hook uses (the active
 * session tagged `claude-code:<id>`), created as the hook would create it when there is none.
 */
export async function claudeCodeSessions(
  env: HookEnv,
  agents: ReadonlyMap<string, string | undefined>,
): Promise<Map<string, Session>> {
  if (agents.size > MAX_AGENT_SESSIONS) {
    throw new ValidationError(
      `The transcript holds lines of ${agents.size} Claude Code sessions (at most ${MAX_AGENT_SESSIONS} without --session); give --session S to import it into one session.`,
      { issues: [{ path: "--session", message: "too many agent sessions" }], agentSessions: agents.size },
    );
  }
  const out = new Map<string, Session>();
  for (const [sessionId, cwd] of agents) {
    out.set(sessionId, await sessionFor(env, { sessionId, event: "Stop", cwd: cwd ?? env.cwd }));
  }
  return out;
}

/**
 * The session a generic transcript goes to: the one it was imported into before (found by
 * {@link importTag}), else a new one named after the work in the current folder. A file imported
 * into a session that is no longer active is refused rather than imported a second time.
 */
export async function genericSession(env: HookEnv, realPath: string): Promise<Session> {
  const tag = importTag(realPath);
  const active = await env.call("session.list", { tag, status: "active", limit: 1 });
  if (active.items[0]) return active.items[0];
  const any = await env.call("session.list", { tag, limit: 1 });
  const closed = any.items[0];
  if (closed) {
    throw new TtaError(
      ErrorCode.SESSION_NOT_ACTIVE,
      `This file was imported into session "${closed.id}", which is ${closed.status}; give --session S to import it into another session.`,
      { sessionId: closed.id, status: closed.status },
    );
  }
  for (let attempt = 1; attempt <= 20; attempt++) {
    const id = sessionNameFor(env.cwd, env.now(), attempt);
    try {
      return await env.call("session.create", {
        id,
        title: `Imported from ${basename(realPath)}`.slice(0, 1000),
        tags: ["import", tag],
        metadata: { source: "import", file: realPath.slice(0, 1024) },
      });
    } catch (error) {
      if (!hasErrorCode(error, "ALREADY_EXISTS")) throw error;
      const taken = await env.call("session.get", { id }).catch(() => null);
      if (taken?.status === "active" && taken.tags.includes(tag)) return taken;
    }
  }
  throw new ValidationError(`No free session name after 20 attempts; give --session S.`, {
    issues: [{ path: "--session", message: "no free name" }],
  });
}
