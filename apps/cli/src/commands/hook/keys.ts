import { createHash } from "node:crypto";
import type { TranscriptMessage } from "./transcript.js";

/*
 * Idempotency keys of the messages tta takes from Claude Code. The hook and `tta import transcript`
 * derive the same key for the same message, so capturing a session live and importing its transcript
 * later stores each message once.
 */

export const sha = (text: string) => createHash("sha256").update(text).digest("hex");

/** The key of a transcript line's message: its `uuid`, else a hash of its timestamp and text. */
export function transcriptMessageKey(m: Pick<TranscriptMessage, "uuid" | "timestamp" | "content">): string {
  return m.uuid ? `cc:${m.uuid}` : `cc:h:${sha(`${m.timestamp}\n${m.content}`).slice(0, 40)}`;
}

/**
 * The key of a submitted prompt: the agent session, the prompt's text and its anchor — the `uuid` of
 * the transcript line before the prompt's line (`start` when it is the first line with a uuid).
 */
export function promptKey(agentSessionId: string, prompt: string, anchor: string): string {
  return `cc:p:${sha(`${agentSessionId}\u0000${prompt}\u0000${anchor}`).slice(0, 40)}`;
}
