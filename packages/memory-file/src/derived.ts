import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { isMissing, toBackendError } from "./fs-utils.js";

/**
 * Derived data (`<root>/derived/<ns>/<name>.bin`): read whole, `null` when absent. Reads and writes
 * are asynchronous so that a large file never holds the event loop.
 */
export async function readDerivedFile(path: string): Promise<Uint8Array | null> {
  try {
    return await readFile(path);
  } catch (e) {
    if (isMissing(e)) return null;
    throw toBackendError("readDerived", e);
  }
}

/**
 * Replace derived data atomically: a temp file beside it, then a rename, so a reader sees the old
 * file or the new one. It is not fsynced: after a power loss the file may be short or empty, which
 * its reader detects (the data carries its own checksum) and rebuilds.
 */
export async function writeDerivedFile(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, bytes);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw toBackendError("writeDerived", e);
  }
}
