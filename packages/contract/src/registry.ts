import type { z } from "zod";
import { isStreamed, type Operation } from "./define.js";
import { bundleOperations } from "./ops/bundle.js";
import { cacheOperations } from "./ops/cache.js";
import { contextOperations } from "./ops/context.js";
import { forgetOperations } from "./ops/forget.js";
import { groupOperations } from "./ops/group.js";
import { memoryOperations } from "./ops/memory.js";
import { type MessageAppendResult, messageOperations } from "./ops/message.js";
import { pafOperations } from "./ops/paf.js";
import { policyOperations } from "./ops/policy.js";
import { sessionOperations } from "./ops/session.js";
import { systemOperations } from "./ops/system.js";

const ALL = [
  ...sessionOperations,
  ...messageOperations,
  ...cacheOperations,
  ...memoryOperations,
  ...forgetOperations,
  ...groupOperations,
  ...contextOperations,
  ...pafOperations,
  ...policyOperations,
  ...systemOperations,
  ...bundleOperations,
] as const;

type All = (typeof ALL)[number];

/** The name of every operation, e.g. `"session.create"`. */
export type OperationName = All["name"];

/** Every operation, keyed by name. */
export type Operations = { [O in All as O["name"]]: O };

/** Every operation (docs/contract.md#operations), keyed by name, in declaration order. */
export const operations: Operations = Object.fromEntries(ALL.map((op) => [op.name, op])) as Operations;

/** Every operation name, in declaration order. */
export const OPERATION_NAMES: readonly OperationName[] = ALL.map((op) => op.name);

/** Every operation, in declaration order. */
export const OPERATION_LIST: readonly Operation[] = ALL;

/** The operations that stream a body (`system.export`, `system.import`). */
export type StreamedOperationName = "system.export" | "system.import";

/** The operations whose input and output are JSON: every one but the streamed ones. */
export type JsonOperationName = Exclude<OperationName, StreamedOperationName>;

/** The names of the JSON operations, in declaration order. */
export const JSON_OPERATION_NAMES: readonly JsonOperationName[] = ALL.filter((op) => !isStreamed(op)).map(
  (op) => op.name as JsonOperationName,
);

/** The input a handler receives: the input schema's output (defaults applied). */
export type InputOf<N extends OperationName> = z.output<Operations[N]["input"]>;

/** The input a caller may send: the input schema's input. */
export type RawInputOf<N extends OperationName> = z.input<Operations[N]["input"]>;

/** What a handler returns. */
export type OutputOf<N extends OperationName> = z.output<Operations[N]["output"]>;

/**
 * What a call with the input `I` returns: {@link OutputOf}, narrowed where the input picks the shape.
 * `message.append` is the one such operation: a batch (`messages`) gives `{ items }`, one message
 * (`content`) the stored `Message`. Every other operation has one output whatever its input.
 *
 * @example
 * type One = ResultOf<"message.append", { sessionId: string; content: string }>; // Message
 */
export type ResultOf<N extends OperationName, I = RawInputOf<N>> = N extends "message.append"
  ? MessageAppendResult<I>
  : OutputOf<N>;

/**
 * An input `I` for `N` that names only fields `N` declares: the parameter type of a typed call that
 * infers `I` (to give {@link ResultOf}) and still refuses a misspelt field, as a plain input type would.
 */
export type ExactInput<N extends OperationName, I> = I & Record<Exclude<keyof I, keyof RawInputOf<N>>, never>;

/** What every handler is given besides its input. */
export interface HandlerContext {
  /** The namespace the call works in (CLI `--namespace`, HTTP token); nothing crosses namespaces. */
  namespace: string;
  /**
   * The request's byte stream, for an operation whose HTTP binding has a `requestStream`
   * (`system.import`'s bundle): each call opens it afresh from its start.
   */
  body?: () => AsyncIterable<Uint8Array>;
}

/** One handler. */
export type Handler<N extends OperationName> = (
  input: InputOf<N>,
  ctx: HandlerContext,
) => Promise<OutputOf<N>>;

/** The handlers behind every operation; `@tta-dev/workflow` implements them, the apps call them. */
export type Handlers = { [N in OperationName]: Handler<N> };

/** True when `name` is an operation name. */
export function isOperationName(name: unknown): name is OperationName {
  return typeof name === "string" && Object.hasOwn(operations, name);
}

/** The operation called `name`. */
export function getOperation<N extends OperationName>(name: N): Operations[N] {
  return operations[name];
}
