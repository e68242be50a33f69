import { type Clock, checkBackendOptions, OptionRule, type OptionRules, systemClock } from "@tta-dev/core";

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

const RULES: OptionRules<FileBackendOptions> = {
  root: OptionRule.required(OptionRule.string()),
  durability: OptionRule.oneOf(["fsync", "os"]),
  clock: OptionRule.clock(),
  lockStaleMs: OptionRule.integer(100),
  lockTimeoutMs: OptionRule.integer(1),
  maxOpenFiles: OptionRule.integer(4),
};

/** Options with every default applied. */
export type ResolvedFileBackendOptions = Required<FileBackendOptions>;

/** Check the options (`VALIDATION_FAILED` naming each bad one) and apply defaults. */
export function resolveOptions(options: FileBackendOptions): ResolvedFileBackendOptions {
  const o = checkBackendOptions("file", options, RULES);
  return {
    root: o.root,
    durability: o.durability ?? "os",
    clock: o.clock ?? systemClock,
    lockStaleMs: o.lockStaleMs ?? 30_000,
    lockTimeoutMs: o.lockTimeoutMs ?? 10_000,
    maxOpenFiles: o.maxOpenFiles ?? 256,
  };
}
