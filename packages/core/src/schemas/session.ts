import { z } from "zod";
import { isMetadata, isTimestamp, Metadata, Timestamp, Version } from "./common.js";
import { WORKFLOW_STAGES } from "./stage.js";

export const SessionStatus = z.enum(["active", "completed", "archived"]);
export type SessionStatus = z.infer<typeof SessionStatus>;

/**
 * A working session; its id is its readable name. `component`/`purpose`/`date` when the name follows
 * the pattern; `stage` is the workflow stage it was last set to (`session.setStage`), absent until then.
 */
export const Session = z.object({
  id: z.string(),
  title: z.string().optional(),
  tags: z.array(z.string()),
  status: SessionStatus,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  completedAt: Timestamp.optional(),
  archivedAt: Timestamp.optional(),
  metadata: Metadata,
  version: Version,
  component: z.string().optional(),
  purpose: z.string().optional(),
  date: z.string().optional(),
  stage: z.enum(WORKFLOW_STAGES).optional(),
});
export type Session = z.infer<typeof Session>;

export const MessageRole = z.enum(["user", "assistant", "system", "tool"]);
export type MessageRole = z.infer<typeof MessageRole>;

/** One message of a session; `seq` is assigned by the backend: 1, 2, 3… with no gaps. */
export const Message = z.object({
  sessionId: z.string(),
  seq: z.number().int().min(1),
  role: MessageRole,
  content: z.string(),
  metadata: Metadata,
  createdAt: Timestamp,
  idempotencyKey: z.string().optional(),
});
export type Message = z.infer<typeof Message>;

const ROLES: ReadonlySet<unknown> = new Set(MessageRole.options);

/**
 * The message `Message.parse` would return for these parts, or `null` where it would fail: a plain
 * check for the hot read path (a page of messages), without building a parse context per message.
 * A test holds it to the schema on generated input; callers fall back to the schema for the error.
 */
export function quickMessage(
  sessionId: unknown,
  seq: unknown,
  value: unknown,
  idempotencyKey: unknown,
): Message | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const { role, content, metadata, createdAt } = value as Record<string, unknown>;
  if (
    typeof sessionId !== "string" ||
    typeof seq !== "number" ||
    !Number.isSafeInteger(seq) ||
    seq < 1 ||
    !ROLES.has(role) ||
    typeof content !== "string" ||
    !isTimestamp(createdAt) ||
    (idempotencyKey !== undefined && typeof idempotencyKey !== "string") ||
    !isMetadata(metadata)
  ) {
    return null;
  }
  const message: Message = { sessionId, seq, role: role as MessageRole, content, metadata, createdAt };
  if (idempotencyKey !== undefined) message.idempotencyKey = idempotencyKey as string;
  return message;
}

/** A short-lived value in a session's cache. */
export const CacheEntry = z.object({
  sessionId: z.string(),
  key: z.string(),
  value: z.unknown(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  version: Version,
});
export type CacheEntry = z.infer<typeof CacheEntry>;
