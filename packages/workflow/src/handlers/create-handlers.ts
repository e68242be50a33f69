import type { Handlers } from "@tta-dev/contract";
import { createPafSource } from "@tta-dev/paf";
import { createStagePolicy } from "@tta-dev/stages";
import { createMemoryWorkflow, type MemoryWorkflow } from "../memory-workflow.js";
import { bundleHandlers } from "./bundle-handlers.js";
import { dataHandlers } from "./data-handlers.js";
import { groupHandlers } from "./group-handlers.js";
import type { HandlersOptions } from "./options.js";
import { systemHandlers } from "./system-handlers.js";

/** What the handler groups share: a workflow per namespace and the options. */
export interface HandlerEnv {
  options: HandlersOptions;
  workflow(namespace: string): MemoryWorkflow;
}

/**
 * The handlers behind every operation of `@tta-dev/contract`: the CLI and the HTTP server call these
 * and hold no business logic of their own. One workflow per namespace, created on first use.
 *
 * @example
 * const handlers = createHandlers({ backend, root: process.cwd(), dataDir: ".tta", version: "0.1.0" });
 * await handlers["session.create"]({ id: "auth-design-2025-10-01" }, { namespace: "default" });
 */
export function createHandlers(options: HandlersOptions): Handlers {
  const pafSource =
    options.pafSource ??
    createPafSource({
      root: options.root,
      ...(options.pafPath ? { pafPath: options.pafPath } : {}),
      optional: true,
    });
  const policy = options.policy ?? createStagePolicy();
  const resolved: HandlersOptions = { ...options, pafSource, policy };
  const workflows = new Map<string, MemoryWorkflow>();
  const env: HandlerEnv = {
    options: resolved,
    workflow(namespace) {
      let wf = workflows.get(namespace);
      if (!wf) {
        wf = createMemoryWorkflow({
          backend: options.backend,
          namespace,
          pafSource,
          policy,
          ...(options.clock ? { clock: options.clock } : {}),
          ...(options.limits ? { limits: options.limits } : {}),
          ...(options.namingPolicy ? { namingPolicy: options.namingPolicy } : {}),
          ...(options.searchLanguage ? { searchLanguage: options.searchLanguage } : {}),
          ...(options.estimator ? { estimator: options.estimator } : {}),
          ...(options.logger ? { logger: options.logger } : {}),
        });
        workflows.set(namespace, wf);
      }
      return wf;
    },
  };
  return {
    ...dataHandlers(env),
    ...groupHandlers(env),
    ...systemHandlers(env),
    ...bundleHandlers(env),
  } satisfies Handlers;
}
