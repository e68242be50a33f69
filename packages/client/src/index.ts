export { createTtaClient, type TtaClient, type TtaClientOptions } from "./client.js";
export { TtaHttpError, UnknownOperationError } from "./errors.js";
