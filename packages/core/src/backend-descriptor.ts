import type { z } from "zod";
import type { MemoryBackend } from "./port.js";

/** What the runtime hands a backend it opens, besides the backend's own configuration section. */
export interface BackendOpenContext {
  /** The absolute data directory of the workspace (`.tta/` unless `dir` says otherwise). */
  dataDir: string;
}

/**
 * How a runtime opens one backend from configuration: the name chosen by `backend:` in
 * `.tta/config.yaml`, the schema of that backend's own section (the key of the same name, e.g.
 * `redis:`), and the factory. Each backend package exports one, so that a runtime's registry needs one
 * line per backend.
 *
 * @example
 * export const inMemoryBackendDescriptor: BackendDescriptor<Record<string, never>> = {
 *   name: "memory",
 *   configSchema: z.strictObject({}),
 *   open: () => createInMemoryBackend(),
 * };
 */
export interface BackendDescriptor<C = unknown> {
  /** The configured name (`backend: <name>`); also the key of the backend's configuration section. */
  readonly name: string;
  /** Validates the backend's configuration section (absent: `{}`). */
  readonly configSchema: z.ZodType<C>;
  /** Open the backend; it connects lazily, on its first call. */
  open(config: C, context: BackendOpenContext): MemoryBackend | Promise<MemoryBackend>;
}
