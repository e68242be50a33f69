export type { ConfigSourceInfo } from "@tta-dev/workflow";
export { BACKENDS, type BackendEntry, loadDescriptor } from "./backends.js";
export {
  type BundleCounts,
  type BundleSource,
  bundleTools,
  type ExportOptions,
  type ImportConflict,
  type ImportCounts,
  type ImportOptions,
  type ImportReceipt,
  type LegacyGroupsReceipt,
  legacyGroupsTool,
} from "./bundle.js";
export { configFromEnv, ENV_VARIABLES } from "./env.js";
export { importYaml } from "./import-yaml.js";
export { type ConfigFlags, loadConfig, type ResolvedConfig } from "./load-config.js";
export { openBackend } from "./open-backend.js";
export { doctorReport, openHandlers, pafCacheFile, readPolicyFile } from "./runtime-handlers.js";
export { configPath, findWorkspaceRoot } from "./workspace.js";
