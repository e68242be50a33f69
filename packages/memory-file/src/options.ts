import { type Clock, parseOrThrow, systemClock } from "@tta-dev/core";
import { z } from "zod";

/** Options of `createFileBackend`. */
export interface FileBackendOptions {
  /** The store's directory, usually `<workspace>/.tta`. Created on first write. */
  root: string;
  /** `os` (default): written to the OS, not synced; `fsync`: on disk when acknowledged. */
  durability?: "fsync" | "os";
  /** Time source for expiry (and the groups file's `last_updated`). */
  clock?: Clock;
  /** A lock whose holder is alive but has not taken or released any lock for this long is broken (default 30 000 ms). */
  lockStaleMs?: number;
  /** How long a write waits for a lock before failing `BACKEND_UNAVAILABLE` (default 10 000 ms). */
  lockTimeoutMs?: number;
  /** At most this many journals and logs kept open per backend (default 256). */
  maxOpenFiles?: number;
}

const Schema = z.object({
  root: z.string().min(1),
  durability: z.enum(["fsync", "os"]).default("os"),
  clock: z.custom<Clock>((c) => typeof (c as Clock | undefined)?.now === "function").optional(),
  lockStaleMs: z.number().int().min(100).default(30_000),
  lockTimeoutMs: z.number().int().min(1).default(10_000),
  maxOpenFiles: z.number().int().min(4).default(256),
});

/** Options with every default applied. */
export type ResolvedFileBackendOptions = Required<FileBackendOptions>;

/** Validate the options (`VALIDATION_FAILED` naming the field) and apply defaults. */
export function resolveOptions(options: FileBackendOptions): ResolvedFileBackendOptions {
  const o = parseOrThrow(Schema, options, "file backend options");
  return { ...o, clock: o.clock ?? systemClock };
}
