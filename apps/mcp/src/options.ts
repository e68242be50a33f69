import type { Handlers, Operation, OperationName } from "@tta-dev/contract";
import type { ErrorJson, Limits, NamingPolicy, TtaError } from "@tta-dev/core";
import type { ToolSelection } from "./catalog.js";

/** What a tool call needs besides its arguments. */
export interface McpCallContext {
  /** The namespace every call works in. */
  namespace: string;
  limits?: Partial<Limits>;
  namingPolicy?: NamingPolicy;
  /** Input fields filled in when the caller leaves them out (e.g. markdown for `context.load`). */
  defaults?: Partial<Record<OperationName, Record<string, unknown>>>;
  /** Throws (e.g. FORBIDDEN) when the caller may not run this operation with this input. */
  authorize?: (op: Operation, input: unknown) => void;
  /** How an error is shown to the client (the HTTP server hides paths and addresses). */
  showError?: (error: TtaError) => ErrorJson;
  /** Sees every error before it becomes a result (the server log). */
  onError?: (error: TtaError, op?: Operation) => void;
}

/** Options of {@link createTtaMcpServer}. */
export interface TtaMcpServerOptions extends McpCallContext {
  /**
   * The handlers behind every operation (from `@tta-dev/workflow`), or a function that opens them:
   * then `initialize` and `tools/list` answer before the store is opened, and a call made while it
   * cannot be opened fails with the store's code and tries again next time.
   */
  handlers: Handlers | (() => Promise<Handlers>);
  /** Which tools `tools/list` shows: `default` (the agent loop), `all`, or a list; default `default`. */
  tools?: ToolSelection;
  /** Only tools of operations this returns true for are listed (token scopes); `authorize` refuses the others. */
  canCall?: (op: Operation) => boolean;
  /** tta's version, sent as the server's version. */
  version: string;
}
