export {
  type ConfigFlags,
  type ConfigSourceInfo,
  doctorReport,
  ENV_VARIABLES,
  findWorkspaceRoot,
  loadConfig,
  openBackend,
  type ResolvedConfig,
} from "@tta-dev/runtime";
export { AGENT_CLIENTS, type AgentClient } from "./commands/agents/clients.js";
export { cliBinPath, type TtaOnPath, ttaOnPath } from "./commands/agents/command.js";
export {
  type AgentEnvironment,
  type AgentPreview,
  type AgentRegistration,
  type AgentRequest,
  previewAgent,
  registerAgent,
} from "./commands/agents/register.js";
export { formatDoctor } from "./commands/doctor.js";
export { type InitResult, initWorkspace } from "./commands/init.js";
export { EXIT_CODES, exitCodeFor } from "./exit-codes.js";
export { type HandlersFactory, type HandlersFactoryContext, workflowHandlers } from "./handlers.js";
export { type CliInput, type CliIo, type CliOutput, processIo } from "./io.js";
export { buildProgram, type GlobalFlags, type Invocation } from "./program.js";
export { type RunOptions, run } from "./run.js";
export { cliVersion } from "./version.js";
