import {
  IdempotencyKeyField,
  MAX_LIST_LIMIT,
  MessageRole,
  Metadata,
  PageLimitField,
  TextField,
} from "@tta-dev/core";
import { z } from "zod";
import { CursorInput, InstantInput } from "./common.js";
import { SessionIdInput } from "./session.js";

/** An idempotency key: a retry with the same key returns the original message. */
export const IdempotencyKeyInput = IdempotencyKeyField;

/** One message to append (without its session). */
export const MessageItemInput = z.strictObject({
  role: MessageRole.default("user"),
  content: TextField,
  metadata: Metadata.optional(),
  idempotencyKey: IdempotencyKeyInput.optional(),
});
export type MessageItemInput = z.input<typeof MessageItemInput>;

/** `messages.append`: one message. */
export const MessageAppendInput = MessageItemInput.extend({ sessionId: SessionIdInput });
export type MessageAppendInput = z.input<typeof MessageAppendInput>;

/** `messages.appendBatch`: consecutive seqs, all or nothing. */
export const MessageAppendBatchInput = z.strictObject({
  sessionId: SessionIdInput,
  messages: z.array(MessageItemInput),
});
export type MessageAppendBatchInput = z.input<typeof MessageAppendBatchInput>;

export const DEFAULT_MESSAGE_PAGE = 100;
export const MAX_MESSAGE_PAGE = MAX_LIST_LIMIT;

/**
 * `messages.list`. Modes: `afterSeq`/`cursor` reads forward; `since` alone gives the oldest messages
 * from that time on; otherwise the newest `last` (or `limit`) messages, optionally only those since a time.
 */
export const MessageListInput = z.strictObject({
  sessionId: SessionIdInput,
  last: PageLimitField.optional(),
  afterSeq: z.number().int().min(0).optional(),
  since: InstantInput.optional(),
  limit: PageLimitField.optional(),
  cursor: CursorInput.optional(),
});
export type MessageListInput = z.input<typeof MessageListInput>;
