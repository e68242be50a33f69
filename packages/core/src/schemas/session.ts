import { z } from "zod";
import { Metadata, Timestamp, Version } from "./common.js";

export const SessionStatus = z.enum(["active", "completed", "archived"]);
export type SessionStatus = z.infer<typeof SessionStatus>;

/** A working session; its id is its readable name. `component`/`purpose`/`date` when the name follows the pattern. */
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
