export { type ErrorCode, hasErrorCode, isTtaError, type TtaError } from "@tta-dev/core";
export type { BundleDownload, BundleUpload, ImportBundleOptions } from "./bundles.js";
export { createTtaClient, type TtaClient, type TtaClientOptions } from "./client.js";
export { TtaHttpError, UnknownOperationError } from "./errors.js";
