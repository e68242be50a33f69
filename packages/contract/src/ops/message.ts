import {
  IdempotencyKeyField,
  INPUT_CAPS,
  Message,
  MessageItemInput,
  MessageListInput,
  MessageRole,
  TextField,
} from "@tta-dev/core";
import { z } from "zod";
import { defineOperation } from "../define.js";
import { MetadataField, page, SessionIdField } from "../fields.js";
import { METADATA_FLAG } from "./common-flags.js";

const sessionArg = { name: "session", field: "sessionId", description: "Session id" } as const;

/** Message text: anything but empty or whitespace only. */
export const MessageContent = TextField;

/** What a batch `message.append` returns: the stored messages, with consecutive seqs. */
export const MessageBatch = z.object({ items: z.array(Message) });
export type MessageBatch = z.infer<typeof MessageBatch>;

/**
 * What `message.append` returns for an input `I`: `{ items }` for a batch (`messages`), the stored
 * `Message` for one message (`content`); either when the type of `I` does not say which.
 */
export type MessageAppendResult<I> = I extends { messages: readonly unknown[] }
  ? MessageBatch
  : I extends { content: string }
    ? Message
    : Message | MessageBatch;

/**
 * `message.append`: one message (`content`, `role`, …) or a batch (`messages`), never both. A single
 * message returns the stored `Message`; a batch returns `{ items }` with consecutive seqs.
 */
export const messageAppend = defineOperation({
  name: "message.append",
  summary: "Append a message (or a batch) to an active session; seqs are assigned 1, 2, 3…",
  input: z
    .strictObject({
      sessionId: SessionIdField,
      role: MessageRole.optional(),
      content: MessageContent.optional(),
      metadata: MetadataField.optional(),
      idempotencyKey: IdempotencyKeyField.optional(),
      messages: z.array(MessageItemInput).min(1).max(INPUT_CAPS.batchMessages).optional(),
    })
    .superRefine((v, ctx) => {
      if ((v.content === undefined) === (v.messages === undefined)) {
        ctx.addIssue({ code: "custom", path: ["content"], message: "give either content or messages" });
      }
      if (v.messages && (v.role || v.metadata || v.idempotencyKey)) {
        ctx.addIssue({
          code: "custom",
          path: ["messages"],
          message: "role, metadata and idempotencyKey go inside each message of a batch",
        });
      }
    }),
  // Two shapes, picked by the input: `ResultOf<"message.append", I>` gives a typed caller the one
  // its input asks for (see the README).
  output: z.union([Message, MessageBatch]),
  errors: ["NAME_INVALID", "LIMIT_EXCEEDED", "SESSION_NOT_FOUND", "SESSION_NOT_ACTIVE"],
  http: { method: "POST", path: "/v1/sessions/{sessionId}/messages", status: 201, scope: "write" },
  cli: {
    words: ["message", "add"],
    positionals: [
      sessionArg,
      {
        name: "text",
        field: "content",
        description: "Message text (read from stdin when omitted)",
        required: false,
      },
    ],
    flags: {
      role: {
        field: "role",
        type: "string",
        valueName: "R",
        choices: MessageRole.options,
        description: "Author role (default user)",
      },
      "idempotency-key": {
        field: "idempotencyKey",
        type: "string",
        valueName: "K",
        description: "A key seen before returns the original message",
      },
      metadata: METADATA_FLAG,
    },
    stdin: "content",
    example: 'tta message add auth-design-2025-10-01 "Use PKCE for the mobile client" --role user',
  },
  ids: { sessionId: "session" },
  limits: [
    { path: "content", limit: "messageContentBytes", measure: "bytes" },
    { path: "metadata", limit: "metadataKeys", measure: "count" },
    { path: "metadata", limit: "metadataBytes", measure: "jsonBytes" },
    { path: "messages", limit: "batchAppend", measure: "count" },
    { path: "messages.*.content", limit: "messageContentBytes", measure: "bytes" },
    { path: "messages.*.metadata", limit: "metadataKeys", measure: "count" },
    { path: "messages.*.metadata", limit: "metadataBytes", measure: "jsonBytes" },
  ],
});

/** `message.list`: the last N, after a seq or since a time; ascending by seq. */
export const messageList = defineOperation({
  name: "message.list",
  summary: "List a session's messages: the last N, after a seq, or since a time.",
  input: MessageListInput.omit({ cursor: true }),
  output: page(Message),
  errors: ["NAME_INVALID", "SESSION_NOT_FOUND"],
  http: { method: "GET", path: "/v1/sessions/{sessionId}/messages", scope: "read" },
  cli: {
    words: ["message", "list"],
    positionals: [sessionArg],
    flags: {
      last: { field: "last", type: "integer", valueName: "N", description: "Only the last N messages" },
      after: {
        field: "afterSeq",
        type: "integer",
        valueName: "SEQ",
        description: "Only messages after this seq",
      },
      since: {
        field: "since",
        type: "string",
        valueName: "T",
        description: "Only messages since this time (ISO)",
      },
      limit: { field: "limit", type: "integer", valueName: "N", description: "At most N messages" },
    },
    example: "tta message list auth-design-2025-10-01 --last 20",
  },
  ids: { sessionId: "session" },
});

/** Every message operation. */
export const messageOperations = [messageAppend, messageList] as const;
