import {
  DeepMemory,
  MemoryCreateInput,
  MemoryDeleteInput,
  MemoryGetInput,
  MemoryHit,
  MemoryKind,
  MemorySearchInput,
  MemoryUpdateInput,
} from "@tta-dev/core";
import { z } from "zod";
import { defineOperation } from "../define.js";
import { page } from "../fields.js";
import { IF_VERSION_FLAG, TAG_FLAG } from "./common-flags.js";

const idArg = { name: "id", field: "id", description: "Memory id (mem_…)" } as const;
const memoryLimits = [
  { path: "content", limit: "memoryContentBytes", measure: "bytes" },
  { path: "tags", limit: "tagsPerItem", measure: "count" },
] as const;

/** `memory.create`: a lesson, decision, failure… searchable as soon as this returns. */
export const memoryCreate = defineOperation({
  name: "memory.create",
  summary: "Add a deep memory (observation, lesson, decision, pattern or failure).",
  input: MemoryCreateInput,
  output: DeepMemory,
  errors: ["NAME_INVALID", "LIMIT_EXCEEDED", "SESSION_NOT_FOUND", "GROUP_NOT_FOUND"],
  http: { method: "POST", path: "/v1/memories", status: 201, scope: "write" },
  cli: {
    words: ["memory", "add"],
    positionals: [
      {
        name: "text",
        field: "content",
        description: "Memory text (read from stdin when omitted)",
        required: false,
      },
    ],
    flags: {
      kind: {
        field: "kind",
        type: "string",
        valueName: "K",
        choices: MemoryKind.options,
        description: "Kind (default observation)",
      },
      tag: TAG_FLAG,
      importance: { field: "importance", type: "number", valueName: "N", description: "0…1 (default 0.5)" },
      session: { field: "sessionId", type: "string", valueName: "S", description: "Link to this session" },
      group: {
        field: "groupIds",
        type: "string",
        valueName: "G",
        repeatable: true,
        description: "Link to group",
      },
      pin: { field: "pinned", type: "boolean", description: "Pin: always ranked first" },
      dedupe: {
        field: "dedupe",
        type: "boolean",
        description:
          "Return the memory of the same kind and text if one exists (case, accents, spacing aside)",
      },
    },
    stdin: "content",
    example: 'tta memory add "Refresh tokens must rotate" --kind decision --tag auth --importance 0.9',
  },
  ids: { sessionId: "session" },
  limits: memoryLimits,
});

/** `memory.get`: one memory. */
export const memoryGet = defineOperation({
  name: "memory.get",
  summary: "Show one deep memory.",
  input: MemoryGetInput,
  output: DeepMemory,
  errors: ["NAME_INVALID", "MEMORY_NOT_FOUND"],
  http: { method: "GET", path: "/v1/memories/{id}", scope: "read" },
  cli: {
    words: ["memory", "show"],
    positionals: [idArg],
    flags: {},
    example: "tta memory show mem_01JD2XKQ3V4W5X6Y7Z8A9B0C1D",
  },
  ids: { id: "memory" },
});

/** `memory.update`: change some fields; `ifVersion` guards against lost updates. */
export const memoryUpdate = defineOperation({
  name: "memory.update",
  summary: "Update a deep memory's content, kind, tags, importance, groups or pin.",
  input: MemoryUpdateInput.omit({ sessionId: true }),
  output: DeepMemory,
  errors: ["NAME_INVALID", "LIMIT_EXCEEDED", "MEMORY_NOT_FOUND", "GROUP_NOT_FOUND", "VERSION_CONFLICT"],
  http: { method: "PATCH", path: "/v1/memories/{id}", scope: "write" },
  cli: {
    words: ["memory", "update"],
    positionals: [idArg],
    flags: {
      content: { field: "content", type: "string", valueName: "TEXT", description: "New text" },
      kind: {
        field: "kind",
        type: "string",
        valueName: "K",
        choices: MemoryKind.options,
        description: "New kind",
      },
      tag: {
        field: "tags",
        type: "string",
        valueName: "X",
        repeatable: true,
        description: "Replace the tags",
      },
      importance: { field: "importance", type: "number", valueName: "N", description: "0…1" },
      group: {
        field: "groupIds",
        type: "string",
        valueName: "G",
        repeatable: true,
        description: "Replace groups",
      },
      pin: { field: "pinned", type: "boolean", description: "Pin it" },
      unpin: { field: "pinned", type: "boolean", value: false, description: "Unpin it" },
      "if-version": IF_VERSION_FLAG,
    },
    example: "tta memory update mem_01JD2XKQ3V4W5X6Y7Z8A9B0C1D --importance 1 --pin --if-version 1",
  },
  ids: { id: "memory" },
  limits: memoryLimits,
});

/** `memory.delete`: remove one memory. */
export const memoryDelete = defineOperation({
  name: "memory.delete",
  summary: "Delete a deep memory.",
  input: MemoryDeleteInput,
  output: z.object({
    id: z.string(),
    deleted: z.boolean(),
    counts: z.object({ memories: z.number().int().min(0) }),
  }),
  errors: ["NAME_INVALID", "MEMORY_NOT_FOUND", "VERSION_CONFLICT"],
  http: { method: "DELETE", path: "/v1/memories/{id}", scope: "write" },
  cli: {
    words: ["memory", "delete"],
    positionals: [idArg],
    flags: {
      "if-version": IF_VERSION_FLAG,
    },
    example: "tta memory delete mem_01JD2XKQ3V4W5X6Y7Z8A9B0C1D",
  },
  ids: { id: "memory" },
});

/** `memory.search`: ranked hits; pinned first, then relevance × importance × recency. */
export const memorySearch = defineOperation({
  name: "memory.search",
  summary: "Search deep memory by text, tags, kind, importance, session or group.",
  input: MemorySearchInput.omit({ boostTags: true, boostSessionId: true, boostGroupIds: true }),
  output: page(MemoryHit),
  errors: ["NAME_INVALID"],
  http: { method: "POST", path: "/v1/memories/search", scope: "read" },
  cli: {
    words: ["memory", "search"],
    positionals: [{ name: "query", field: "query", description: "Search text", required: false }],
    flags: {
      tag: TAG_FLAG,
      "any-tag": {
        field: "tagMode",
        type: "boolean",
        value: "any",
        description: "Match any tag instead of all",
      },
      kind: {
        field: "kinds",
        type: "string",
        valueName: "K",
        repeatable: true,
        choices: MemoryKind.options,
        description: "Kind (repeatable)",
      },
      "min-importance": { field: "minImportance", type: "number", valueName: "N", description: "0…1" },
      session: { field: "sessionId", type: "string", valueName: "S", description: "Only this session's" },
      group: { field: "groupId", type: "string", valueName: "G", description: "Only this group's" },
      since: { field: "since", type: "string", valueName: "T", description: "Created since (ISO time)" },
      limit: { field: "limit", type: "integer", valueName: "N", description: "At most N hits (default 10)" },
      cursor: {
        field: "cursor",
        type: "string",
        valueName: "C",
        description: "nextCursor of the previous page",
      },
      explain: {
        field: "explain",
        type: "boolean",
        description: "Show each score's parts (text, importance, recency, boost)",
      },
    },
    example: 'tta memory search "token rotation" --tag auth --limit 5',
  },
  ids: { sessionId: "session", groupId: "group" },
});

/** Every deep-memory operation. */
export const memoryOperations = [memoryCreate, memoryGet, memoryUpdate, memoryDelete, memorySearch] as const;
