import {
  assertPlainJson,
  checkByteLimit,
  checkCountLimit,
  checkGroupId,
  checkMemoryId,
  checkSessionId,
  type Limits,
  type NamingPolicy,
  parseOrThrow,
  resolveLimits,
} from "@tta-dev/core";
import type { IdKind, Operation } from "./define.js";
import { type InputOf, type OperationName, operations } from "./registry.js";

/** Options of {@link parseInput}. */
export interface ParseInputOptions {
  /** The naming policy applied to new session ids (default `strict`). */
  namingPolicy?: NamingPolicy;
}

function checkId(kind: IdKind, value: unknown, policy: NamingPolicy): void {
  switch (kind) {
    case "session":
      checkSessionId(value, "off");
      return;
    case "session-new":
      checkSessionId(value, policy);
      return;
    case "group":
      checkGroupId(value, { legacy: true });
      return;
    case "group-new":
      checkGroupId(value);
      return;
    case "memory":
      checkMemoryId(value);
  }
}

/**
 * Validate a caller's input for an operation: declared id fields first (`NAME_INVALID`, so that
 * `../x` never reaches a store), then the input schema (`VALIDATION_FAILED` listing `path: message`).
 *
 * @example
 * const input = parseInput("session.get", { id: "auth-design-2025-10-01" });
 */
export function parseInput<N extends OperationName>(
  name: N,
  raw: unknown,
  options: ParseInputOptions = {},
): InputOf<N> {
  const op = operations[name] as unknown as Operation;
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw)) {
    for (const [field, kind] of Object.entries(op.ids)) {
      const value = (raw as Record<string, unknown>)[field];
      if (typeof value === "string") {
        checkId(kind, value, options.namingPolicy ?? "strict");
      }
    }
  }
  // Before the schema, which recurses: any nesting depth gives VALIDATION_FAILED, never a stack overflow.
  if (raw !== undefined) assertPlainJson(raw);
  return parseOrThrow(op.input, raw, `${name} input`) as InputOf<N>;
}

function* walk(value: unknown, parts: readonly string[], path: string): Generator<[string, unknown]> {
  if (value === undefined) return;
  if (parts.length === 0) {
    yield [path, value];
    return;
  }
  const [head, ...rest] = parts as [string, ...string[]];
  if (head === "*") {
    if (!Array.isArray(value)) return;
    for (let i = 0; i < value.length; i++) yield* walk(value[i], rest, `${path}.${i}`);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  yield* walk((value as Record<string, unknown>)[head], rest, path ? `${path}.${head}` : head);
}

/**
 * Check an operation's declared size and count limits (docs/contract.md#limits) against the configured limits.
 * Runs before any handler, so that nothing is written when a limit is exceeded.
 *
 * @throws LimitExceededError naming the field, its size and the limit
 */
export function checkInputLimits(name: OperationName, input: unknown, limits: Partial<Limits> = {}): void {
  const effective = resolveLimits(limits);
  const op = operations[name] as unknown as Operation;
  for (const rule of op.limits) {
    const max = effective[rule.limit];
    for (const [path, value] of walk(input, rule.path.split("."), "")) {
      if (rule.measure === "bytes" && typeof value === "string") checkByteLimit(value, max, path);
      else if (rule.measure === "jsonBytes") checkByteLimit(JSON.stringify(value) ?? "", max, path);
      else if (rule.measure === "count") {
        if (Array.isArray(value)) checkCountLimit(value.length, max, path);
        else if (typeof value === "object" && value !== null) {
          checkCountLimit(Object.keys(value).length, max, `${path} keys`);
        }
      }
    }
  }
}
