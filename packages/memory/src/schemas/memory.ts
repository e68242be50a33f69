import { MemoryKind } from "@tta-dev/core";
import { z } from "zod";
import { IfVersion, InstantInput, TagsInput } from "./common.js";

/** A deep-memory id: `mem_` and a ULID. */
export const MemoryIdInput = z
  .string()
  .regex(/^mem_[0-9A-HJKMNP-TV-Z]{26}$/, "must be mem_ followed by a ULID");

/** Importance from 0 to 1 (finite). */
export const ImportanceInput = z.number().min(0).max(1);

/** Group ids a memory belongs to (safe ids, at most 64). */
export const GroupIdsInput = z.array(z.string().min(1).max(128));

/** `memories.create`. Defaults: kind `observation`, importance 0.5, not pinned. */
export const MemoryCreateInput = z.strictObject({
  content: z.string(),
  kind: MemoryKind.optional(),
  tags: TagsInput.optional(),
  importance: ImportanceInput.optional(),
  sessionId: z.string().min(1).max(128).optional(),
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
  content: z.string().optional(),
  kind: MemoryKind.optional(),
  tags: TagsInput.optional(),
  importance: ImportanceInput.optional(),
  sessionId: z.string().min(1).max(128).nullable().optional(),
  groupIds: GroupIdsInput.optional(),
  pinned: z.boolean().optional(),
  ifVersion: IfVersion.optional(),
});
export type MemoryUpdateInput = z.input<typeof MemoryUpdateInput>;

/** `memories.delete`. */
export const MemoryDeleteInput = z.strictObject({ id: MemoryIdInput, ifVersion: IfVersion.optional() });
export type MemoryDeleteInput = z.input<typeof MemoryDeleteInput>;

/** The longest query accepted (characters); only its 30 rarest distinct terms count. */
export const MAX_QUERY_LENGTH = 65_536;

export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_SEARCH_LIMIT = 100;

/**
 * `memories.search` (SPEC §3.4). `tags` filter (`tagMode` all or any); `boostTags` only raise the score
 * of memories carrying them; `since` keeps memories updated at or after that instant.
 */
export const MemorySearchInput = z.strictObject({
  query: z.string().max(MAX_QUERY_LENGTH).optional(),
  tags: TagsInput.optional(),
  tagMode: z.enum(["all", "any"]).optional(),
  kinds: z.array(MemoryKind).optional(),
  minImportance: ImportanceInput.optional(),
  sessionId: z.string().min(1).max(128).optional(),
  groupId: z.string().min(1).max(128).optional(),
  since: InstantInput.optional(),
  boostTags: TagsInput.optional(),
  limit: z.number().int().min(1).max(MAX_SEARCH_LIMIT).optional(),
});
export type MemorySearchInput = z.input<typeof MemorySearchInput>;
