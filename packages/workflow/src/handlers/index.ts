export { createHandlers, type HandlerEnv } from "./create-handlers.js";
export type { ConfigSourceInfo, HandlersOptions } from "./options.js";
