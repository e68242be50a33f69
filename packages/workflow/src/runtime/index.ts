export { checkStore, type StoreCheck } from "../handlers/store-check.js";
export { configFromEnv, ENV_VARIABLES } from "./env.js";
export { importYaml } from "./import-yaml.js";
export { type ConfigFlags, type ConfigSourceInfo, loadConfig, type ResolvedConfig } from "./load-config.js";
export { openBackend } from "./open-backend.js";
export { openHandlers, pafCacheFile, readPolicyFile } from "./runtime-handlers.js";
export { configPath, findWorkspaceRoot } from "./workspace.js";
