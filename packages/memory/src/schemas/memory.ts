import {
  GroupIdField,
  GroupIdsField,
  ImportanceField,
  INPUT_CAPS,
  MemoryIdField,
  MemoryKind,
  MemoryKindsField,
  QueryField,
  SearchLimitField,
  SessionIdField,
  TagModeField,
  TextField,
} from "@tta-dev/core";
import { z } from "zod";
import { IfVersion, InstantInput, TagsInput } from "./common.js";

/** A deep-memory id: `mem_` and a ULID. */
export const MemoryIdInput = MemoryIdField;

/** Importance from 0 to 1 (finite). */
export const ImportanceInput = ImportanceField;

/** Group ids a memory belongs to. */
export const GroupIdsInput = GroupIdsField;

/** `memories.create`. Defaults: kind `observation`, importance 0.5, not pinned. */
export const MemoryCreateInput = z.strictObject({
  content: TextField,
  kind: MemoryKind.optional(),
  tags: TagsInput.optional(),
  importance: ImportanceInput.optional(),
  sessionId: SessionIdField.optional(),
  groupIds: GroupIdsInput.optional(),
  pinned: z.boolean().optional(),
});
export type MemoryCreateInput = z.input<typeof MemoryCreateInput>;

/** `memories.get`. */
export const MemoryGetInput = z.strictObject({ id: MemoryIdInput });
export type MemoryGetInput = z.input<typeof MemoryGetInput>;

/** `memories.update`: only the given fields change; `sessionId: null` unlinks the session. */
export const MemoryUpdateInput = z.strictObject({
  id: MemoryIdInput,
  content: TextField.optional(),
  kind: MemoryKind.optional(),
  tags: TagsInput.optional(),
  importance: ImportanceInput.optional(),
  sessionId: SessionIdField.nullable().optional(),
  groupIds: GroupIdsInput.optional(),
  pinned: z.boolean().optional(),
  ifVersion: IfVersion.optional(),
});
export type MemoryUpdateInput = z.input<typeof MemoryUpdateInput>;

/** `memories.delete`. */
export const MemoryDeleteInput = z.strictObject({ id: MemoryIdInput, ifVersion: IfVersion.optional() });
export type MemoryDeleteInput = z.input<typeof MemoryDeleteInput>;

/** The longest query accepted (characters); only its 30 rarest distinct terms count. */
export const MAX_QUERY_LENGTH = INPUT_CAPS.query;

export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_SEARCH_LIMIT = INPUT_CAPS.searchLimit;

/**
 * `memories.search` (SPEC §3.4). `tags` filter (`tagMode` all or any); `boostTags` only raise the score
 * of memories carrying them; `since` keeps memories updated at or after that instant.
 */
export const MemorySearchInput = z.strictObject({
  query: QueryField.optional(),
  tags: TagsInput.optional(),
  tagMode: TagModeField.optional(),
  kinds: MemoryKindsField.optional(),
  minImportance: ImportanceInput.optional(),
  sessionId: SessionIdField.optional(),
  groupId: GroupIdField.optional(),
  since: InstantInput.optional(),
  boostTags: TagsInput.optional(),
  limit: SearchLimitField.optional(),
});
export type MemorySearchInput = z.input<typeof MemorySearchInput>;
