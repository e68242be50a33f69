import {
  MessageItemInput as CoreMessageItemInput,
  MessageListInput as CoreMessageListInput,
  IdempotencyKeyField,
  MAX_LIST_LIMIT,
  SessionIdField,
} from "@tta-dev/core";
import { z } from "zod";

// The inputs are core's, the ones `@tta-dev/contract` declares its operations with.

/** An idempotency key: a retry with the same key returns the original message. */
export const IdempotencyKeyInput = IdempotencyKeyField;

/** One message to append (without its session). */
export const MessageItemInput = CoreMessageItemInput;
export type MessageItemInput = z.input<typeof MessageItemInput>;

/** `messages.append`: one message. */
export const MessageAppendInput = MessageItemInput.extend({ sessionId: SessionIdField });
export type MessageAppendInput = z.input<typeof MessageAppendInput>;

/** `messages.appendBatch`: consecutive seqs, all or nothing. */
export const MessageAppendBatchInput = z.strictObject({
  sessionId: SessionIdField,
  messages: z.array(MessageItemInput),
});
export type MessageAppendBatchInput = z.input<typeof MessageAppendBatchInput>;

export const DEFAULT_MESSAGE_PAGE = 100;
export const MAX_MESSAGE_PAGE = MAX_LIST_LIMIT;

/**
 * `messages.list`. Modes: `afterSeq`/`cursor` reads forward; `since` alone gives the oldest messages
 * from that time on; otherwise the newest `last` (or `limit`) messages, optionally only those since a time.
 */
export const MessageListInput = CoreMessageListInput;
export type MessageListInput = z.input<typeof MessageListInput>;
