export {
  createTtaClient,
  type TtaClient,
  type TtaClientOptions,
  TtaHttpError,
  UnknownOperationError,
} from "@tta-dev/client";
export { createHttpApp, DEFAULT_BODY_LIMIT, type HttpAppOptions, honoPath } from "./app.js";
export {
  authenticate,
  hashToken,
  type Principal,
  requireScope,
  resolveNamespace,
  type TokenRecord,
  type TokenScope,
} from "./auth.js";
export { createErrorBody, type ErrorBody, type ErrorBodyOf } from "./error-body.js";
export {
  type CommandPolicy,
  checkCommands,
  checkLoginPost,
  checkRequest,
  type GuardedRequest,
  type GuardPolicy,
  type GuardRefusal,
  requestGuard,
} from "./guard.js";
export { main as runHttpMain } from "./main.js";
export { errorRedactor, REDACTED_CODES, type Redactor } from "./redact.js";
export { type ServeHttpOptions, serveHttp } from "./serve.js";
export {
  type ConnectionLimits,
  type HttpServerOptions,
  isLoopback,
  type RunningHttpServer,
  resolveConnectionLimits,
  startHttpServer,
} from "./server.js";
export { HTTP_STATUS } from "./status.js";
export { resolveTokens, type TokenConfig } from "./tokens.js";
