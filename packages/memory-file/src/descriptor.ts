import type { BackendDescriptor } from "@tta-dev/core";
import { z } from "zod";
import { createFileBackend } from "./file-backend.js";

const FileConfig = z.strictObject({
  /** `os` (default): written to the OS, not synced; `fsync`: on disk when acknowledged. */
  durability: z.enum(["fsync", "os"]).optional(),
});

/**
 * `backend: file` (the default): the store lives in the workspace's data directory; the `file:`
 * section sets its durability.
 *
 * @example
 * const backend = await fileBackendDescriptor.open({ durability: "fsync" }, { dataDir: ".tta" });
 */
export const fileBackendDescriptor: BackendDescriptor<z.infer<typeof FileConfig>> = {
  name: "file",
  configSchema: FileConfig,
  open: (config, { dataDir }) =>
    createFileBackend({ root: dataDir, ...(config.durability ? { durability: config.durability } : {}) }),
};
