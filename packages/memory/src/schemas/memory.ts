import {
  MemoryCreateInput as CoreMemoryCreateInput,
  MemoryDeleteInput as CoreMemoryDeleteInput,
  MemoryGetInput as CoreMemoryGetInput,
  MemorySearchInput as CoreMemorySearchInput,
  MemoryUpdateInput as CoreMemoryUpdateInput,
  GroupIdsField,
  ImportanceField,
  INPUT_CAPS,
  MemoryIdField,
} from "@tta-dev/core";
import type { z } from "zod";

// The inputs are core's, the ones `@tta-dev/contract` declares its operations with.

/** A deep-memory id: `mem_` and a ULID. */
export const MemoryIdInput = MemoryIdField;

/** Importance from 0 to 1 (finite). */
export const ImportanceInput = ImportanceField;

/** Group ids a memory belongs to. */
export const GroupIdsInput = GroupIdsField;

/** `memories.create`. Defaults: kind `observation`, importance 0.5, not pinned. */
export const MemoryCreateInput = CoreMemoryCreateInput;
export type MemoryCreateInput = z.input<typeof MemoryCreateInput>;

/** `memories.get`. */
export const MemoryGetInput = CoreMemoryGetInput;
export type MemoryGetInput = z.input<typeof MemoryGetInput>;

/** `memories.update`: only the given fields change; `sessionId: null` unlinks the session. */
export const MemoryUpdateInput = CoreMemoryUpdateInput;
export type MemoryUpdateInput = z.input<typeof MemoryUpdateInput>;

/** `memories.delete`. */
export const MemoryDeleteInput = CoreMemoryDeleteInput;
export type MemoryDeleteInput = z.input<typeof MemoryDeleteInput>;

/** The longest query accepted (characters); only its 30 rarest distinct terms count. */
export const MAX_QUERY_LENGTH = INPUT_CAPS.query;

export const DEFAULT_SEARCH_LIMIT = 10;
export const MAX_SEARCH_LIMIT = INPUT_CAPS.searchLimit;

/**
 * `memories.search` (docs/domain.md#search-and-ranking). `tags` filter (`tagMode` all or any); `boostTags` only raise the score
 * of memories carrying them; `since` keeps memories updated at or after that instant.
 */
export const MemorySearchInput = CoreMemorySearchInput;
export type MemorySearchInput = z.input<typeof MemorySearchInput>;
