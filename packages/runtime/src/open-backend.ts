import type { BackendName } from "@tta-dev/contract";
import { type MemoryBackend, parseOrThrow } from "@tta-dev/core";
import { BACKENDS, type BackendEntry, loadDescriptor } from "./backends.js";
import type { ResolvedConfig } from "./load-config.js";

/**
 * Open the configured backend, importing its package only now: `file` (default, `.tta/`),
 * `memory` (in-process, lost on exit), `redis` (ioredis) or `keyv` (a Keyv store from `keyv.url`,
 * or Keyv's in-process Map). The backend's own section of the configuration (`file:`, `redis:`,
 * `keyv:`) is validated by its descriptor and handed to it.
 *
 * @throws NotSupportedError when the backend's package or store adapter is not available
 * @example
 * const backend = await openBackend(await loadConfig(process.cwd(), process.env));
 */
export async function openBackend(
  resolved: ResolvedConfig,
  registry: Readonly<Record<BackendName, BackendEntry>> = BACKENDS,
): Promise<MemoryBackend> {
  const name = resolved.backend;
  const descriptor = await loadDescriptor(name, registry[name]);
  const section = (resolved.config as Record<string, unknown>)[name] ?? {};
  const config = parseOrThrow(descriptor.configSchema, section, `${name} configuration`);
  return descriptor.open(config, { dataDir: resolved.dataDir });
}
