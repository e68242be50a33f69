/** The error code → exit code table is the contract's, shared with the servers' start-up failures. */
export { EXIT_CODES, exitCodeFor } from "@tta-dev/contract";
