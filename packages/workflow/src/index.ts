export {
  type BundleCounts,
  type BundleHeader,
  type BundleSource,
  bundleLines,
  createBundleReader,
  type ExportOptions,
  exportBundle,
  type ImportConflict,
  type ImportCounts,
  type ImportOptions,
  type ImportReceipt,
  importBundle,
} from "@tta-dev/memory";
export { deepQuery } from "./deep-query.js";
export * from "./handlers/index.js";
export {
  type LoaderDeps,
  type LoadOptions,
  loadContext,
  MAX_DEEP_FETCH,
  OVERFETCH,
  UNLIMITED_FETCH,
} from "./load-context.js";
export { createMemoryWorkflow, type MemoryWorkflow, type MemoryWorkflowOptions } from "./memory-workflow.js";
export * from "./render/index.js";
