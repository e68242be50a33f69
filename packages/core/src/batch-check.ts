import { ValidationError } from "./errors.js";
import type { BatchRead } from "./port.js";

/** The operations a {@link BatchRead} may name. */
export const BATCH_OPS: readonly BatchRead["op"][] = Object.freeze([
  "get",
  "getMany",
  "list",
  "readLog",
  "logLength",
]);

/** A batch read names an operation a batch cannot carry; `details.allowed` lists those it can. */
export class UnknownBatchOpError extends ValidationError {
  constructor(index: number, op: unknown) {
    const path = `reads.${index}.op`;
    const message = `unknown op ${describe(op)}; expected one of ${BATCH_OPS.join(", ")}`;
    super(`${path}: ${message}`, { issues: [{ path, message }], allowed: [...BATCH_OPS] });
  }
}

function describe(op: unknown): string {
  if (op === undefined) return "(none)";
  const text = typeof op === "string" ? JSON.stringify(op) : String(op);
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

/**
 * The check every backend makes before it runs any read of a batch: `reads` is an array and each
 * read names one of {@link BATCH_OPS}. The reads' own arguments are checked by the reads themselves.
 *
 * @throws VALIDATION_FAILED: `reads: must be an array`, or an {@link UnknownBatchOpError} for the first bad read.
 * @example
 * checkBatchReads(reads); // then run them, knowing every `op` is one of five
 */
export function checkBatchReads(reads: unknown): asserts reads is readonly BatchRead[] {
  if (!Array.isArray(reads)) {
    throw new ValidationError("reads: must be an array", {
      issues: [{ path: "reads", message: "must be an array" }],
    });
  }
  reads.forEach((r: unknown, i) => {
    const op = typeof r === "object" && r !== null ? (r as { op?: unknown }).op : undefined;
    if (!(BATCH_OPS as readonly unknown[]).includes(op)) throw new UnknownBatchOpError(i, op);
  });
}
