import { DescriptionField, GroupStatus, SessionGroup, SummaryField } from "@tta-dev/core";
import { z } from "zod";
import { defineOperation } from "../define.js";
import {
  CursorField,
  GroupIdField,
  IfVersionField,
  LimitField,
  MetadataField,
  MetadataPatchField,
  page,
  TagMode,
  TagsField,
} from "../fields.js";
import { IF_VERSION_FLAG, METADATA_FLAG, TAG_FLAG, TAGS_AND_METADATA_LIMITS } from "./common-flags.js";
import { groupAddSession, groupRemoveSession, groupSessions } from "./group-membership.js";

const groupArg = { name: "group", field: "groupId", description: "Group name" } as const;
const GroupInput = z.strictObject({ groupId: GroupIdField });

/** `group.create`: a new active group; its id is its name. */
export const groupCreate = defineOperation({
  name: "group.create",
  summary: "Create a session group; its id is its name (lower-case kebab-case, ≤ 64 characters).",
  input: z.strictObject({
    name: GroupIdField,
    description: DescriptionField.optional(),
    tags: TagsField.optional(),
    metadata: MetadataField.optional(),
  }),
  output: SessionGroup,
  errors: ["NAME_INVALID", "LIMIT_EXCEEDED", "ALREADY_EXISTS"],
  http: { method: "POST", path: "/v1/groups", status: 201, scope: "write" },
  cli: {
    words: ["group", "create"],
    positionals: [{ name: "name", field: "name", description: "Group name, e.g. feature-auth" }],
    flags: {
      description: {
        field: "description",
        type: "string",
        valueName: "D",
        description: "What the group is for",
      },
      tag: TAG_FLAG,
      metadata: METADATA_FLAG,
    },
    example: 'tta group create feature-auth --description "Authentication feature" --tag feature',
  },
  ids: { name: "group-new" },
  limits: TAGS_AND_METADATA_LIMITS,
});

/** `group.get`: one group. */
export const groupGet = defineOperation({
  name: "group.get",
  summary: "Show one session group.",
  input: GroupInput,
  output: SessionGroup,
  errors: ["NAME_INVALID", "GROUP_NOT_FOUND"],
  http: { method: "GET", path: "/v1/groups/{groupId}", scope: "read" },
  cli: {
    words: ["group", "show"],
    positionals: [groupArg],
    flags: {},
    example: "tta group show feature-auth",
  },
  ids: { groupId: "group" },
});

/** `group.list`: groups filtered by status and tags (this is also `findGroupsByTag`). */
export const groupList = defineOperation({
  name: "group.list",
  summary: "List session groups, filtered by status and tags.",
  input: z.strictObject({
    status: GroupStatus.optional(),
    tags: TagsField.optional(),
    tagMode: TagMode.optional(),
    cursor: CursorField.optional(),
    limit: LimitField.optional(),
  }),
  output: page(SessionGroup),
  errors: [],
  http: { method: "GET", path: "/v1/groups", scope: "read" },
  cli: {
    words: ["group", "list"],
    positionals: [],
    flags: {
      status: {
        field: "status",
        type: "string",
        valueName: "S",
        choices: GroupStatus.options,
        description: "Only groups with this status",
      },
      tag: TAG_FLAG,
      "any-tag": {
        field: "tagMode",
        type: "boolean",
        value: "any",
        description: "Match any tag instead of all",
      },
      limit: { field: "limit", type: "integer", valueName: "N", description: "Page size" },
      cursor: {
        field: "cursor",
        type: "string",
        valueName: "C",
        description: "nextCursor of the previous page",
      },
    },
    example: "tta group list --tag feature --status active",
  },
});

/** `group.updateMetadata`: merge a patch; a `null` value removes the key. */
export const groupUpdateMetadata = defineOperation({
  name: "group.updateMetadata",
  summary: "Merge a metadata patch into a group (a null value removes the key).",
  input: z.strictObject({
    groupId: GroupIdField,
    patch: MetadataPatchField,
    ifVersion: IfVersionField.optional(),
  }),
  output: SessionGroup,
  errors: ["NAME_INVALID", "LIMIT_EXCEEDED", "GROUP_NOT_FOUND", "VERSION_CONFLICT"],
  http: { method: "PATCH", path: "/v1/groups/{groupId}/metadata", scope: "write" },
  cli: {
    words: ["group", "meta"],
    positionals: [
      groupArg,
      {
        name: "key=value",
        field: "patch",
        type: "keyvalue",
        variadic: true,
        description: "Entries to merge; the value is JSON when it parses as JSON (key=null removes key)",
      },
    ],
    flags: {
      "if-version": IF_VERSION_FLAG,
    },
    example: "tta group meta feature-auth priority=high sprint=42",
  },
  ids: { groupId: "group" },
  limits: [
    { path: "patch", limit: "metadataKeys", measure: "count" },
    { path: "patch", limit: "metadataBytes", measure: "jsonBytes" },
  ],
});

const summaryFlag = {
  summary: { field: "summary", type: "string", valueName: "S", description: "What the group achieved" },
} as const;

/** `group.setStatus`: active→closed, closed→active, active|closed→archived; asking for the current status is a no-op. */
export const groupSetStatus = defineOperation({
  name: "group.setStatus",
  summary: "Close, reopen or archive a group.",
  input: z.strictObject({
    groupId: GroupIdField,
    status: GroupStatus,
    summary: SummaryField.optional(),
    ifVersion: IfVersionField.optional(),
  }),
  output: SessionGroup,
  errors: ["NAME_INVALID", "GROUP_NOT_FOUND", "INVALID_TRANSITION", "VERSION_CONFLICT"],
  http: { method: "POST", path: "/v1/groups/{groupId}/status", scope: "write" },
  cli: [
    {
      words: ["group", "close"],
      summary: "Close a group.",
      positionals: [groupArg],
      flags: summaryFlag,
      fixed: { status: "closed" },
      example: 'tta group close feature-auth --summary "Shipped in 1.4"',
    },
    {
      words: ["group", "reopen"],
      summary: "Reopen a closed group.",
      positionals: [groupArg],
      flags: {},
      fixed: { status: "active" },
      example: "tta group reopen feature-auth",
    },
    {
      words: ["group", "archive"],
      summary: "Archive a group (final).",
      positionals: [groupArg],
      flags: summaryFlag,
      fixed: { status: "archived" },
      example: "tta group archive feature-auth",
    },
  ],
  ids: { groupId: "group" },
});

/** `group.delete`: remove a group; its sessions stay. */
export const groupDelete = defineOperation({
  name: "group.delete",
  summary: "Delete a group (its sessions stay).",
  input: z.strictObject({ groupId: GroupIdField, ifVersion: IfVersionField.optional() }),
  output: z.object({
    groupId: z.string(),
    deleted: z.boolean(),
    counts: z.object({ groups: z.number().int().min(0), memberships: z.number().int().min(0) }),
  }),
  errors: ["NAME_INVALID", "GROUP_NOT_FOUND", "VERSION_CONFLICT"],
  http: { method: "DELETE", path: "/v1/groups/{groupId}", scope: "write" },
  cli: {
    words: ["group", "delete"],
    positionals: [groupArg],
    flags: {},
    example: "tta group delete feature-auth",
  },
  ids: { groupId: "group" },
});

/** `group.summary`: counts by status, sessions tracked, unique tags. */
export const groupSummary = defineOperation({
  name: "group.summary",
  summary: "Summarise all groups: counts by status, sessions tracked, unique tags.",
  input: z.strictObject({}),
  output: z.object({
    total: z.number().int().min(0),
    byStatus: z.object({
      active: z.number().int().min(0),
      closed: z.number().int().min(0),
      archived: z.number().int().min(0),
    }),
    sessionsTracked: z.number().int().min(0),
    uniqueTags: z.array(z.string()),
  }),
  errors: [],
  http: { method: "GET", path: "/v1/group-summary", scope: "read" },
  cli: { words: ["group", "summary"], positionals: [], flags: {}, example: "tta group summary" },
});

/** Every session-group operation. */
export const groupOperations = [
  groupCreate,
  groupGet,
  groupList,
  groupAddSession,
  groupRemoveSession,
  groupSessions,
  groupUpdateMetadata,
  groupSetStatus,
  groupDelete,
  groupSummary,
] as const;
