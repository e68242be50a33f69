import {
  checkInputLimits,
  type Handlers,
  type Operation,
  type OperationName,
  parseInput,
} from "@tta-dev/contract";
import { assertPlainJson, type ErrorJson, type TtaError, toTtaError, ValidationError } from "@tta-dev/core";
import type { ToolEntry } from "./catalog.js";
import { inputSchemaOf, outputSchemaOf } from "./json-schema.js";
import type { McpCallContext } from "./options.js";

/** A tool as `tools/list` shows it. */
export interface ListedTool {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations: ToolEntry["annotations"];
}

/** What `tools/call` answers: a result, never a protocol error, for anything the tool itself refuses. */
export interface ToolResult {
  [key: string]: unknown;
  content: { type: "text"; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

/** The `tools/list` entry of a tool. */
export function listedTool(tool: ToolEntry): ListedTool {
  const output = outputSchemaOf(tool.op);
  return {
    name: tool.name,
    title: tool.annotations.title,
    description: tool.description,
    inputSchema: inputSchemaOf(tool.op),
    ...(output ? { outputSchema: output } : {}),
    annotations: tool.annotations,
  };
}

/** Text for clients without structured output: the rendering when there is one, else compact JSON. */
function textOf(output: unknown): string {
  const rendered = (output as { rendered?: unknown } | null)?.rendered;
  return typeof rendered === "string" ? rendered : JSON.stringify(output);
}

/** An error as a tool result: `{ error: { code, message, details } }`, as the other apps print it. */
export function errorResult(
  error: TtaError,
  show: (e: TtaError) => ErrorJson = (e) => e.toJSON(),
): ToolResult {
  return { isError: true, content: [{ type: "text", text: JSON.stringify({ error: show(error) }) }] };
}

/**
 * Run one operation for an MCP caller: the contract's input checks (ids, schema, limits), the caller's
 * authorisation, then its handler.
 *
 * @throws TtaError with the contract's code
 */
export async function invoke(
  op: Operation,
  args: unknown,
  handlers: Handlers,
  ctx: McpCallContext,
): Promise<unknown> {
  if (args !== undefined && (typeof args !== "object" || args === null || Array.isArray(args))) {
    throw new ValidationError("The tool's arguments must be a JSON object.", {
      issues: [{ path: "(arguments)", message: "not an object" }],
    });
  }
  // Before anything copies the arguments: a copy would drop a prototype set through `__proto__`.
  if (args !== undefined) assertPlainJson(args);
  const name = op.name as OperationName;
  const raw = { ...(ctx.defaults?.[name] ?? {}), ...(args ?? {}) };
  const input = parseInput(name, raw, { namingPolicy: ctx.namingPolicy ?? "strict" });
  checkInputLimits(name, input, ctx.limits ?? {});
  ctx.authorize?.(op, input);
  const handler = handlers[name] as (i: unknown, c: { namespace: string }) => Promise<unknown>;
  return handler(input, { namespace: ctx.namespace });
}

/**
 * Call one tool: the contract's input checks (ids, schema, limits), the caller's authorisation, then
 * the operation's handler. Every refusal and failure is a result with `isError: true` carrying the
 * contract's error code; nothing here throws.
 */
export async function callTool(
  tool: ToolEntry,
  args: unknown,
  handlers: Handlers,
  ctx: McpCallContext,
): Promise<ToolResult> {
  const op: Operation = tool.op;
  try {
    const output = await invoke(op, args, handlers, ctx);
    const structured =
      typeof output === "object" && output !== null && !Array.isArray(output) && outputSchemaOf(op)
        ? { structuredContent: output as Record<string, unknown> }
        : {};
    return { content: [{ type: "text", text: textOf(output) }], ...structured };
  } catch (error) {
    const e = toTtaError(error);
    ctx.onError?.(e, op);
    return errorResult(e, ctx.showError);
  }
}
