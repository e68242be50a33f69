export { fileBackendDescriptor } from "./descriptor.js";
export { createFileBackend, type FileBackend } from "./file-backend.js";
export type { FileBackendOptions } from "./options.js";
