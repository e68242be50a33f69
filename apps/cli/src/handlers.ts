import {
  type Config,
  checkInputLimits,
  type HandlerContext,
  type Handlers,
  type OperationName,
  type OutputOf,
  parseInput,
} from "@tta-dev/contract";
import { type Limits, type MemoryBackend, type NamingPolicy, NotSupportedError } from "@tta-dev/core";
import type { ConfigSourceInfo, ResolvedConfig } from "@tta-dev/runtime";
import { cliVersion } from "./version.js";

/** What the CLI hands the handlers factory. */
export interface HandlersFactoryContext {
  backend: MemoryBackend;
  namespace: string;
  config: Config;
  /** The workspace root (holds `.tta/`; the PAFCORE.md lookup starts here). */
  root: string;
  /** The data directory (`.tta/` by default). */
  dataDir: string;
  namingPolicy: NamingPolicy;
  limits: Limits;
  configSources: ConfigSourceInfo[];
  /** Where warnings go (stderr). */
  logger?: { warn(message: string, details?: Record<string, unknown>): void };
}

/** The global flags that choose the store, as `loadConfig` takes them (absent ones left out). */
export function storeFlags(g: { dir?: string; backend?: string; redisUrl?: string; namespace?: string }): {
  dir?: string;
  backend?: string;
  redisUrl?: string;
  namespace?: string;
} {
  return {
    ...(g.dir !== undefined ? { dir: g.dir } : {}),
    ...(g.backend !== undefined ? { backend: g.backend } : {}),
    ...(g.redisUrl !== undefined ? { redisUrl: g.redisUrl } : {}),
    ...(g.namespace !== undefined ? { namespace: g.namespace } : {}),
  };
}

/** What the handlers factory gets for a resolved workspace and its open backend. */
export function handlersContext(
  resolved: ResolvedConfig,
  backend: MemoryBackend,
  limits: Limits,
  logger?: HandlersFactoryContext["logger"],
): HandlersFactoryContext {
  return {
    backend,
    namespace: resolved.namespace,
    config: resolved.config,
    root: resolved.root,
    dataDir: resolved.dataDir,
    namingPolicy: resolved.namingPolicy,
    limits,
    configSources: resolved.sources,
    ...(logger ? { logger } : {}),
  };
}

/** Builds the handlers behind every operation (default: `createHandlers` of `@tta-dev/workflow`). */
export type HandlersFactory = (context: HandlersFactoryContext) => Handlers | Promise<Handlers>;

/**
 * The default factory: `openHandlers` of `@tta-dev/runtime` (the stage policy from its file,
 * then `createHandlers`), imported only when a command needs it.
 */
export const workflowHandlers: HandlersFactory = async (context) => {
  const { openHandlers } = await import("@tta-dev/runtime");
  return openHandlers(
    {
      root: context.root,
      config: context.config,
      backend: context.config.backend ?? "file",
      dataDir: context.dataDir,
      namespace: context.namespace,
      namingPolicy: context.namingPolicy,
      sources: context.configSources,
    },
    context.backend,
    { version: cliVersion(), ...(context.logger ? { logger: context.logger } : {}) },
  );
};

/** Call the handler of `name`, failing `NOT_SUPPORTED` when the handlers object lacks it. */
export async function callHandler(
  handlers: Handlers,
  name: string,
  input: unknown,
  context: HandlerContext,
): Promise<unknown> {
  const handler = (handlers as unknown as Record<string, unknown>)[name];
  if (typeof handler !== "function") {
    throw new NotSupportedError(`No handler for ${name} in this build.`, { operation: name });
  }
  return (handler as (i: unknown, c: HandlerContext) => Promise<unknown>)(input, context);
}

/**
 * Call one contract operation with raw input, checked as any caller's is (the operation's schema, the
 * naming policy, the configured limits): how the CLI's own commands (the hooks, the import) call tta.
 */
export function operationCaller(resolved: ResolvedConfig, handlers: Handlers) {
  return async <N extends OperationName>(name: N, raw: Record<string, unknown>): Promise<OutputOf<N>> => {
    const input = parseInput(name, raw, { namingPolicy: resolved.namingPolicy });
    checkInputLimits(name, input, resolved.config.limits);
    return (await callHandler(handlers, name, input, { namespace: resolved.namespace })) as OutputOf<N>;
  };
}
