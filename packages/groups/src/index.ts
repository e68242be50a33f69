export { type GroupContextReader, type LoadGroupContextOptions, loadGroupContext } from "./group-context.js";
export { DEFAULT_GROUP_LIMITS, type GroupLimits, resolveGroupLimits } from "./group-limits.js";
export {
  createGroupRepo,
  type GroupChange,
  type GroupRepo,
  type GroupRepoOptions,
  MAX_WRITE_ATTEMPTS,
  type MutateResult,
} from "./group-repo.js";
export { createGroupStore } from "./group-store.js";
export type { GroupStore, GroupStoreOptions, IfVersionOptions } from "./group-store-api.js";
export {
  GroupContextInput,
  GroupCreateInput,
  GroupDeleteInput,
  GroupGetInput,
  GroupIdInput,
  GroupListInput,
  GroupMembershipInput,
  GroupMetadataUpdateInput,
  GroupStatusUpdateInput,
  GroupTagInput,
  IfVersionInput,
  MetadataInput,
  SessionGroupsInput,
  SessionIdInput,
  TagMode,
} from "./inputs.js";
export { decodeCursor, encodeCursor, type GroupFilter, matchesFilter, pageOf } from "./list-groups.js";
export { applyMetadataPatch, canonicalJson, findForbiddenKey } from "./metadata-patch.js";
export {
  GroupAddResult,
  GroupContext,
  GroupContextSession,
  GroupDeleteReceipt,
  GroupPage,
  GroupRemoveResult,
  GroupSummary,
} from "./outputs.js";
export { createSessionRecords, type SessionRecords, type SessionRecordsOptions } from "./session-records.js";
export { applyTransition, canTransition } from "./transitions.js";
