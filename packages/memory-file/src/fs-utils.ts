import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { BackendUnavailableError, isTtaError } from "@tta-dev/core";
import { isProcessAlive } from "./lock/process-alive.js";

const madeDirs = new Set<string>();

/** Create a directory (and its parents) once per process. */
export function ensureDir(dir: string): void {
  if (madeDirs.has(dir)) return;
  mkdirSync(dir, { recursive: true });
  madeDirs.add(dir);
}

/** Forget cached directories (after something may have removed them). */
export function forgetDirs(): void {
  madeDirs.clear();
}

/** Sync a directory so that a rename or a new file in it survives a crash. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Open a file that may not exist: its fd, or `null` when it is missing (any other error throws). */
export function openExisting(path: string, flags: number): number | null {
  try {
    return openSync(path, flags);
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
}

/** Open a file for reading and writing, creating it; returns the fd and whether it was created. */
export function openReadWrite(path: string): number {
  ensureDir(dirname(path));
  return openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
}

/**
 * Replace `path` atomically: write a temp file with a unique name next to it, fsync it, rename it
 * over `path`, and (with `syncDir`) fsync the directory so the rename itself is durable.
 */
export function writeFileAtomic(path: string, data: string | Buffer, syncDir: boolean): void {
  const dir = dirname(path);
  ensureDir(dir);
  sweepTemps(path);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(6).toString("hex")}`;
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  try {
    const buf = typeof data === "string" ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
  if (syncDir) fsyncDir(dir);
}

/** Remove temp files of `path` left by processes that were killed while replacing it. */
export function sweepTemps(path: string): void {
  const prefix = `${basename(path)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-[0-9a-f]+$/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || isProcessAlive(pid, null)) continue;
    try {
      unlinkSync(join(dirname(path), name));
    } catch {
      /* removed by someone else */
    }
  }
}

/** Read `length` bytes at `position` (fewer at end of file). */
export function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** Write all of `buf` at `position`. */
export function writeAt(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off, position + off);
}

/**
 * True for an error a system call raised (it carries an errno code and names the call). Only these
 * mean the store is unreachable; anything else (a `RangeError`, a `SyntaxError`) is a bug or bad
 * data and must not be reported as an outage.
 */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  if (!(e instanceof Error)) return false;
  const err = e as NodeJS.ErrnoException;
  return typeof err.code === "string" && (typeof err.syscall === "string" || typeof err.errno === "number");
}

export function toBackendError(what: string, e: unknown): unknown {
  if (isTtaError(e) || !isSystemError(e)) return e;
  const err = e;
  return new BackendUnavailableError(
    `File backend: ${what} failed: ${err.code ?? ""} ${err.message}`.trim(),
    {
      ...(err.code ? { errno: err.code } : {}),
      ...(err.path ? { path: err.path } : {}),
    },
    { cause: e },
  );
}

/**
 * Run a store operation, turning a failed system call into `BACKEND_UNAVAILABLE`. `TtaError`s and
 * any other error pass through unchanged.
 */
export async function guard<T>(what: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toBackendError(what, e);
  }
}

/** Synchronous {@link guard}. */
export function guardSync<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toBackendError(what, e);
  }
}

/** True for an `ENOENT` error. */
export function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === "ENOENT";
}

/**
 * Identity of a file: inode plus birth time, because a removed file's inode number is soon reused
 * by the next file created.
 */
export function fileIdentity(st: { ino: number; birthtimeMs: number }): string {
  return `${st.ino}:${st.birthtimeMs}`;
}
