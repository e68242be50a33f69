export {
  DEFAULT_TOOLS,
  selectTools,
  TOOL_CATALOG,
  type ToolAnnotations,
  type ToolEntry,
  type ToolSelection,
  toolByName,
  toolNameOf,
} from "./catalog.js";
export { inputSchemaOf, type JsonSchema, outputSchemaOf } from "./json-schema.js";
export { main, mcpVersion, parseToolSelection } from "./main.js";
export type { McpCallContext, TtaMcpServerOptions } from "./options.js";
export { getPrompt, type ListedPrompt, PROMPTS } from "./prompts.js";
export {
  type ListedResource,
  listResources,
  PAFS_URI,
  RESOURCE_TEMPLATES,
  type ResourceContents,
  type ResourceTemplate,
  readResource,
} from "./resources.js";
export { createTtaMcpServer, type TtaMcpServer } from "./server.js";
export { callTool, errorResult, invoke, type ListedTool, listedTool, type ToolResult } from "./tools.js";
