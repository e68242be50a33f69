import {
  DeepMemory,
  Session,
  SessionArchiveInput,
  SessionCompleteInput,
  SessionCreateInput,
  SessionDeleteInput,
  SessionGetInput,
  SessionListInput,
  SessionSetStageInput,
  SessionStatus,
  WORKFLOW_STAGES,
} from "@tta-dev/core";
import { z } from "zod";
import { defineOperation } from "../define.js";
import { page } from "../fields.js";
import { IF_VERSION_FLAG, METADATA_FLAG, TAG_FLAG, TAGS_AND_METADATA_LIMITS } from "./common-flags.js";

const idArg = { name: "id", field: "id", description: "Session id, e.g. auth-design-2025-10-01" } as const;

/** `session.create`: a new active session; its id is its name. */
export const sessionCreate = defineOperation({
  name: "session.create",
  summary: "Create a session; its id is its name ({component}-{purpose}-{YYYY-MM-DD}).",
  input: SessionCreateInput,
  output: Session,
  errors: ["NAME_INVALID", "LIMIT_EXCEEDED", "ALREADY_EXISTS"],
  http: { method: "POST", path: "/v1/sessions", status: 201, scope: "write" },
  cli: {
    words: ["session", "create"],
    positionals: [idArg],
    flags: {
      title: { field: "title", type: "string", valueName: "T", description: "Human-readable title" },
      tag: TAG_FLAG,
      metadata: METADATA_FLAG,
    },
    example: 'tta session create auth-design-2025-10-01 --title "Auth design" --tag auth',
  },
  ids: { id: "session-new" },
  limits: TAGS_AND_METADATA_LIMITS,
});

/** `session.get`: one session. */
export const sessionGet = defineOperation({
  name: "session.get",
  summary: "Show one session.",
  input: SessionGetInput,
  output: Session,
  errors: ["NAME_INVALID", "SESSION_NOT_FOUND"],
  http: { method: "GET", path: "/v1/sessions/{id}", scope: "read" },
  cli: {
    words: ["session", "show"],
    positionals: [idArg],
    flags: {},
    example: "tta session show auth-design-2025-10-01",
  },
  ids: { id: "session" },
});

/** `session.list`: sessions in a stable order (by id, or newest first), filtered, one page at a time. */
export const sessionList = defineOperation({
  name: "session.list",
  summary: "List sessions, filtered by status, tag, component or date range.",
  input: SessionListInput,
  output: page(Session),
  errors: [],
  http: { method: "GET", path: "/v1/sessions", scope: "read" },
  cli: {
    words: ["session", "list"],
    positionals: [],
    flags: {
      status: {
        field: "status",
        type: "string",
        valueName: "S",
        choices: SessionStatus.options,
        description: "Only sessions with this status",
      },
      order: {
        field: "order",
        type: "string",
        valueName: "O",
        choices: ["id", "newest"],
        description: "id (default, stable) or newest (latest created first)",
      },
      tag: { field: "tag", type: "string", valueName: "X", description: "Only sessions with this tag" },
      component: { field: "component", type: "string", valueName: "C", description: "Only this component" },
      from: { field: "dateFrom", type: "string", valueName: "DATE", description: "Name date on or after" },
      to: { field: "dateTo", type: "string", valueName: "DATE", description: "Name date on or before" },
      limit: { field: "limit", type: "integer", valueName: "N", description: "Page size" },
      cursor: {
        field: "cursor",
        type: "string",
        valueName: "C",
        description: "nextCursor of the previous page",
      },
    },
    example: "tta session list --status active --tag auth",
  },
});

/**
 * `session.complete`: mark a session completed; lessons become deep memories of kind `lesson`, written
 * first under ids derived from the session and the text (a retry stores nothing twice). Completing a
 * completed session stores the lessons it does not have yet.
 */
export const sessionComplete = defineOperation({
  name: "session.complete",
  summary:
    "Complete a session; each lesson becomes a deep memory of kind lesson linked to it, with the session's tags.",
  input: SessionCompleteInput,
  output: Session.extend({ lessons: z.array(DeepMemory) }),
  errors: [
    "NAME_INVALID",
    "SESSION_NOT_FOUND",
    "SESSION_NOT_ACTIVE",
    "INVALID_TRANSITION",
    "VERSION_CONFLICT",
    "LIMIT_EXCEEDED",
  ],
  http: { method: "POST", path: "/v1/sessions/{id}/complete", scope: "write" },
  cli: {
    words: ["session", "complete"],
    positionals: [idArg],
    flags: {
      lesson: {
        field: "lessons",
        type: "string",
        valueName: "TEXT",
        repeatable: true,
        description: "A lesson to keep (repeatable)",
      },
      importance: {
        field: "importance",
        type: "number",
        valueName: "N",
        description: "Importance of the lessons, 0…1 (default 0.5)",
      },
      "if-version": IF_VERSION_FLAG,
    },
    example: 'tta session complete auth-design-2025-10-01 --lesson "Rotate refresh tokens"',
  },
  ids: { id: "session" },
  limits: [
    { path: "lessons.*", limit: "memoryContentBytes", measure: "bytes" },
    { path: "lessons.*.content", limit: "memoryContentBytes", measure: "bytes" },
    { path: "lessons.*.tags", limit: "tagsPerItem", measure: "count" },
  ],
});

/** `session.archive`: move a session to `archived`. */
export const sessionArchive = defineOperation({
  name: "session.archive",
  summary: "Archive a session.",
  input: SessionArchiveInput,
  output: Session,
  errors: ["NAME_INVALID", "SESSION_NOT_FOUND", "INVALID_TRANSITION", "VERSION_CONFLICT"],
  http: { method: "POST", path: "/v1/sessions/{id}/archive", scope: "write" },
  cli: {
    words: ["session", "archive"],
    positionals: [idArg],
    flags: {
      "if-version": IF_VERSION_FLAG,
    },
    example: "tta session archive auth-design-2025-10-01",
  },
  ids: { id: "session" },
});

/**
 * `session.setStage`: record the workflow stage an active session is in; `context.load` without a
 * stage loads that one. The same stage again changes nothing.
 */
export const sessionSetStage = defineOperation({
  name: "session.setStage",
  summary:
    "Record the workflow stage a session is in; context loads without a stage use it (active sessions only).",
  input: SessionSetStageInput,
  output: Session,
  errors: ["NAME_INVALID", "SESSION_NOT_FOUND", "SESSION_NOT_ACTIVE", "VERSION_CONFLICT"],
  http: { method: "POST", path: "/v1/sessions/{id}/stage", scope: "write" },
  cli: {
    words: ["stage", "set"],
    positionals: [
      { ...idArg, name: "session" },
      { name: "stage", field: "stage", description: WORKFLOW_STAGES.join(", ") },
    ],
    flags: {
      "if-version": IF_VERSION_FLAG,
    },
    example: "tta stage set auth-design-2025-10-01 implement",
  },
  ids: { id: "session" },
});

/** What `session.delete` removed, per layer. */
export const SessionDeleteReceipt = z.object({
  id: z.string(),
  deleted: z.boolean(),
  counts: z.object({
    sessions: z.number().int().min(0),
    messages: z.number().int().min(0),
    cache: z.number().int().min(0),
    memberships: z.number().int().min(0),
    memories: z.number().int().min(0),
  }),
});

/** `session.delete`: remove a session; `cascade` also its messages, cache and memberships. */
export const sessionDelete = defineOperation({
  name: "session.delete",
  summary:
    "Delete a session (cascade: also its messages, cache and memberships; forgetMemories: its memories).",
  input: SessionDeleteInput.omit({ ifVersion: true }),
  output: SessionDeleteReceipt,
  errors: ["NAME_INVALID", "SESSION_NOT_FOUND"],
  http: { method: "DELETE", path: "/v1/sessions/{id}", scope: "write" },
  cli: {
    words: ["session", "delete"],
    positionals: [idArg],
    flags: {
      cascade: {
        field: "cascade",
        type: "boolean",
        description: "Also delete messages, cache and memberships",
      },
      "forget-memories": {
        field: "forgetMemories",
        type: "boolean",
        description: "Also delete the deep memories linked to the session",
      },
    },
    example: "tta session delete auth-design-2025-10-01 --cascade",
  },
  ids: { id: "session" },
});

/** Every session operation. */
export const sessionOperations = [
  sessionCreate,
  sessionGet,
  sessionList,
  sessionComplete,
  sessionArchive,
  sessionSetStage,
  sessionDelete,
] as const;
