import type { Config, HandlerContext, Handlers } from "@tta-dev/contract";
import { type MemoryBackend, NotSupportedError } from "@tta-dev/core";

/** What the CLI hands the handlers factory. */
export interface HandlersFactoryContext {
  backend: MemoryBackend;
  namespace: string;
  config: Config;
  /** The workspace root (holds `.tta/`, PAFCORE.md lookup starts here). */
  root: string;
}

/** Builds the handlers behind every operation (default: `createHandlers` of `@tta-dev/workflow`). */
export type HandlersFactory = (context: HandlersFactoryContext) => Handlers | Promise<Handlers>;

/** The default factory: `createHandlers` of `@tta-dev/workflow`, imported only when a command needs it. */
export const workflowHandlers: HandlersFactory = async (context) => {
  const specifier = "@tta-dev/workflow";
  const mod = (await import(specifier)) as Record<string, unknown>;
  const create = mod.createHandlers;
  if (typeof create !== "function") {
    throw new NotSupportedError(
      `${specifier} does not export createHandlers(); this build has no handlers yet.`,
      {
        package: specifier,
      },
    );
  }
  return (await (create as (c: HandlersFactoryContext) => Handlers | Promise<Handlers>)(context)) as Handlers;
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
