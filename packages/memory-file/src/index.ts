export { fileBackendDescriptor } from "./descriptor.js";
export { createFileBackend, type FileBackend } from "./file-backend.js";
export {
  importLegacyGroups,
  type LegacyGroupsImportOptions,
  type LegacyGroupsReceipt,
  MAX_LEGACY_GROUPS_BYTES,
} from "./groups/legacy-import.js";
export type { FileBackendOptions } from "./options.js";
