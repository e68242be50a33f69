import type { BackendDescriptor } from "@tta-dev/core";
import { z } from "zod";
import { createInMemoryBackend } from "./inmemory-backend.js";

const InMemoryConfig = z.strictObject({});

/**
 * `backend: memory`: everything in process memory, lost when the process exits. It has no
 * configuration section.
 *
 * @example
 * const backend = await inMemoryBackendDescriptor.open({}, { dataDir: ".tta" });
 */
export const inMemoryBackendDescriptor: BackendDescriptor<z.infer<typeof InMemoryConfig>> = {
  name: "memory",
  configSchema: InMemoryConfig,
  open: () => createInMemoryBackend(),
};
