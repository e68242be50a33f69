import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { BackendCorruptError, Paf, parseStored } from "@tta-dev/core";
import type { PafSnapshot } from "./snapshot.js";

/**
 * Read a snapshot written by {@link writePafSnapshot}. A missing file gives `undefined`; a file that
 * is not a snapshot fails `BACKEND_CORRUPT` naming the path.
 *
 * @example
 * const previous = await readPafSnapshot(".tta/paf-snapshot.json");
 */
export async function readPafSnapshot(path: string): Promise<PafSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BackendCorruptError(
      `Corrupt data at ${path}: not JSON (${(e as Error).message}).`,
      { place: path },
      { cause: e },
    );
  }
  const o = data as Partial<PafSnapshot> | null;
  if (
    !o ||
    typeof o !== "object" ||
    o.version !== 1 ||
    typeof o.createdAt !== "string" ||
    typeof o.file !== "string"
  ) {
    throw new BackendCorruptError(`Corrupt data at ${path}: not a version-1 PAF snapshot.`, { place: path });
  }
  const facts = parseStored(Paf.array(), o.facts, path);
  return { version: 1, createdAt: o.createdAt, file: o.file, facts };
}

/**
 * Write a snapshot atomically: to a temporary file beside `path`, then renamed over it, so a reader
 * sees the old snapshot or the new one, never half of one. Creates the directory if needed.
 *
 * @example
 * await writePafSnapshot(".tta/paf-snapshot.json", snapshotPafs(facts));
 */
export async function writePafSnapshot(path: string, snapshot: PafSnapshot): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(snapshot, null, 2)}\n`);
}

/** Write a file by temp + rename. */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data, { flush: true });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
