export { createFileBackend, type FileBackend } from "./file-backend.js";
export { legacyToIso } from "./groups/legacy-time.js";
export type { FileBackendOptions } from "./options.js";
export { createLayout, GROUPS_FILE, type Layout } from "./paths.js";
