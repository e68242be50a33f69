/** The error code → HTTP status table is the contract's; the server answers with it. */
export { HTTP_STATUS } from "@tta-dev/contract";
