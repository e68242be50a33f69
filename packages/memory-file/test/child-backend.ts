/** Child-process entry of the conformance suite: a file backend over `TTA_FILE_ROOT`. */
import type { MemoryBackend } from "@tta-dev/core";
import { createFileBackend } from "../src/index.js";

/** The backend a child process uses, configured from its environment. */
export async function createBackend(): Promise<MemoryBackend> {
  const root = process.env.TTA_FILE_ROOT;
  if (!root) throw new Error("TTA_FILE_ROOT is not set");
  return createFileBackend({
    root,
    durability: process.env.TTA_FILE_DURABILITY === "fsync" ? "fsync" : "os",
  });
}
