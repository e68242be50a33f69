import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { type Handlers, type OutputOf, retentionRules } from "@tta-dev/contract";
import { type MemoryBackend, resolveLimits, ValidationError } from "@tta-dev/core";
import type { HandlersOptions } from "@tta-dev/workflow";
import type { ResolvedConfig } from "./load-config.js";

/** Where {@link openHandlers} keeps the parsed PAF document between processes. */
export function pafCacheFile(resolved: Pick<ResolvedConfig, "dataDir">): string {
  return join(resolved.dataDir, "cache", "pafcore.json");
}

const POLICY_FILES = ["policy.yaml", "policy.yml", "policy.json"];

/** The stage-policy file: `policyPath` (must exist), else the first of `.tta/policy.{yaml,yml,json}`. */
export function readPolicyFile(resolved: ResolvedConfig): { text: string; name: string } | null {
  const configured = resolved.config.policyPath;
  const candidates = configured
    ? [isAbsolute(configured) ? configured : resolve(resolved.root, configured)]
    : POLICY_FILES.map((f) => join(resolved.root, ".tta", f));
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

/**
 * The handlers of every operation for a resolved configuration and an open backend: the stage
 * policy from its file, the PAF path, limits, naming policy and config sources. The heavy packages
 * are imported here, on first use, so that loading the configuration stays fast.
 *
 * @example
 * const resolved = await loadConfig(process.cwd(), process.env);
 * const backend = await openBackend(resolved);
 * const handlers = await openHandlers(resolved, backend, { version: "0.1.0" });
 */
export async function openHandlers(
  resolved: ResolvedConfig,
  backend: MemoryBackend,
  options: { version: string; logger?: HandlersOptions["logger"] },
): Promise<Handlers> {
  const policyFile = readPolicyFile(resolved);
  const [{ createStagePolicy }, { createHandlers }, { createPafSource }] = await Promise.all([
    import("@tta-dev/stages"),
    import("@tta-dev/workflow"),
    import("@tta-dev/paf"),
  ]);
  const policy = policyFile ? createStagePolicy({ file: policyFile }) : undefined;
  const { config } = resolved;
  // The parsed PAFCORE.md survives the process (keyed by path, mtime and size), so a warm run never
  // loads the markdown parser.
  const pafSource = createPafSource({
    root: resolved.root,
    ...(config.pafPath ? { pafPath: config.pafPath } : {}),
    optional: true,
    cacheFile: pafCacheFile(resolved),
  });
  return createHandlers({
    pafSource,
    backend,
    root: resolved.root,
    dataDir: resolved.dataDir,
    ...(config.pafPath ? { pafPath: config.pafPath } : {}),
    ...(policy ? { policy, policySource: policyFile!.name } : { policySource: null }),
    limits: resolveLimits(config.limits ?? {}),
    namingPolicy: resolved.namingPolicy,
    ...(config.search?.language ? { searchLanguage: config.search.language } : {}),
    ...(config.retention ? { retention: retentionRules(config.retention) } : {}),
    version: options.version,
    configSources: resolved.sources,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/**
 * The `system.doctor` report of an open backend: the handler's own answer (a timed ping, the store
 * check, where the configuration came from), without reading the stage policy or PAFCORE.md, so that
 * the doctor answers even when those files are broken.
 *
 * @example
 * const report = await doctorReport(resolved, backend, { version: "0.1.0" });
 * if (!report.ok) process.exitCode = 5;
 */
export async function doctorReport(
  resolved: ResolvedConfig,
  backend: MemoryBackend,
  options: { version: string },
): Promise<OutputOf<"system.doctor">> {
  const { createHandlers } = await import("@tta-dev/workflow");
  const handlers = createHandlers({
    backend,
    root: resolved.root,
    dataDir: resolved.dataDir,
    version: options.version,
    configSources: resolved.sources,
    policySource: null,
  });
  return handlers["system.doctor"]({}, { namespace: resolved.namespace });
}
