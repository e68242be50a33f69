import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import type { Config, HandlerContext, Handlers } from "@tta-dev/contract";
import {
  type Limits,
  type MemoryBackend,
  type NamingPolicy,
  NotSupportedError,
  ValidationError,
} from "@tta-dev/core";
import type { ConfigSourceInfo } from "./config/load-config.js";
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
}

/** Builds the handlers behind every operation (default: `createHandlers` of `@tta-dev/workflow`). */
export type HandlersFactory = (context: HandlersFactoryContext) => Handlers | Promise<Handlers>;

const POLICY_FILES = ["policy.yaml", "policy.yml", "policy.json"];

/** The stage-policy file: `policyPath` (must exist), else the first of `.tta/policy.{yaml,yml,json}`. */
function readPolicyFile(context: HandlersFactoryContext): { text: string; name: string } | null {
  const configured = context.config.policyPath;
  const candidates = configured
    ? [isAbsolute(configured) ? configured : resolve(context.root, configured)]
    : POLICY_FILES.map((f) => join(context.root, ".tta", f));
  for (const name of candidates) {
    try {
      return { text: readFileSync(name, "utf8"), name };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  if (configured) {
    throw new ValidationError(`policyPath: ${candidates[0]} does not exist.`, {
      issues: [{ path: "policyPath", message: "file not found" }],
    });
  }
  return null;
}

async function load(specifier: string, name: string): Promise<(...args: unknown[]) => unknown> {
  const mod = (await import(specifier)) as Record<string, unknown>;
  const fn = mod[name];
  if (typeof fn !== "function") {
    throw new NotSupportedError(
      `${specifier} does not export ${name}(); this build cannot run that command.`,
      {
        package: specifier,
      },
    );
  }
  return fn as (...args: unknown[]) => unknown;
}

/**
 * The default factory: the stage policy from its file (`@tta-dev/stages`), then `createHandlers` of
 * `@tta-dev/workflow`, both imported only when a command needs them.
 */
export const workflowHandlers: HandlersFactory = async (context) => {
  const policyFile = readPolicyFile(context);
  const policy = policyFile
    ? (await load("@tta-dev/stages", "createStagePolicy"))({ file: policyFile })
    : undefined;
  const createHandlers = await load("@tta-dev/workflow", "createHandlers");
  const { config } = context;
  return createHandlers({
    backend: context.backend,
    root: context.root,
    dataDir: context.dataDir,
    ...(config.pafPath ? { pafPath: config.pafPath } : {}),
    ...(policy ? { policy, policySource: policyFile!.name } : { policySource: null }),
    limits: context.limits,
    namingPolicy: context.namingPolicy,
    version: cliVersion(),
    configSources: context.configSources,
  }) as Handlers;
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
