import {
  ForgetInput,
  ForgetReceipt,
  ImportanceField,
  MemoryKind,
  MemoryKindsField,
  RetentionMsField,
  SessionStatus,
  TagsField,
} from "@tta-dev/core";
import { z } from "zod";
import { defineOperation } from "../define.js";
import { TAG_FLAG } from "./common-flags.js";

/**
 * `forget`'s input: `rules`, and one more rule given field by field (what the CLI's flags fill in):
 * `layer` and its conditions.
 */
export const ForgetOperationInput = ForgetInput.extend({
  layer: z.enum(["sessions", "memories"]).optional(),
  olderThanMs: RetentionMsField.optional(),
  status: z.array(SessionStatus).max(3).optional(),
  archivedForMs: RetentionMsField.optional(),
  kinds: MemoryKindsField.optional(),
  importanceBelow: ImportanceField.optional(),
  tags: TagsField.optional(),
  expired: z.boolean().optional(),
});

/**
 * `forget`: delete on purpose what retention rules (given, or the configuration's with `applyPolicy`)
 * and named ids take, and say exactly what went; with `dryRun`, only the receipt.
 */
export const forgetOperation = defineOperation({
  name: "forget",
  summary:
    "Forget sessions and memories by retention rules or by id (dryRun: only the receipt of what would go).",
  input: ForgetOperationInput,
  output: ForgetReceipt,
  errors: ["NAME_INVALID"],
  http: { method: "POST", path: "/v1/forget", scope: "admin" },
  cli: {
    words: ["forget"],
    positionals: [],
    flags: {
      "dry-run": { field: "dryRun", type: "boolean", description: "Only print what would go" },
      "apply-policy": {
        field: "applyPolicy",
        type: "boolean",
        description: "Apply the retention rules of the configuration (retention:)",
      },
      layer: {
        field: "layer",
        type: "string",
        valueName: "L",
        choices: ["sessions", "memories"],
        description: "What a rule given by flags forgets",
      },
      "older-than": {
        field: "olderThanMs",
        type: "duration",
        valueName: "D",
        description: "Last active at least this long ago (90d)",
      },
      status: {
        field: "status",
        type: "string",
        valueName: "S",
        repeatable: true,
        choices: SessionStatus.options,
        description: "Sessions in this status (repeatable)",
      },
      "archived-for": {
        field: "archivedForMs",
        type: "duration",
        valueName: "D",
        description: "Sessions archived at least this long ago",
      },
      kind: {
        field: "kinds",
        type: "string",
        valueName: "K",
        repeatable: true,
        choices: MemoryKind.options,
        description: "Memories of this kind (repeatable)",
      },
      "importance-below": {
        field: "importanceBelow",
        type: "number",
        valueName: "N",
        description: "Memories less important than this",
      },
      tag: TAG_FLAG,
      expired: { field: "expired", type: "boolean", description: "Memories past their expiresAt" },
      session: {
        field: "sessionIds",
        type: "string",
        valueName: "ID",
        repeatable: true,
        description: "This session, by id (repeatable)",
      },
      memory: {
        field: "memoryIds",
        type: "string",
        valueName: "ID",
        repeatable: true,
        description: "This memory, by id, even pinned (repeatable)",
      },
    },
    example: "tta forget --layer sessions --status completed --older-than 90d --dry-run",
  },
});

/** Every forgetting operation. */
export const forgetOperations = [forgetOperation] as const;
