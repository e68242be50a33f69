import type { ManualClock, MemoryBackend } from "@tta-dev/core";

/** What each conformance test gets: a manual clock the backend should use, and a fresh namespace. */
export interface ConformanceContext {
  clock: ManualClock;
  namespace: string;
}

/** How a backend plugs into the conformance suite. */
export interface ConformanceOptions {
  /** Shown in test names. */
  name: string;
  /** A fresh backend over the store under test; it should take `ctx.clock` as its clock. */
  create(ctx: ConformanceContext): Promise<MemoryBackend>;
  /** A second, independent backend object over the same store (two-instance variant). */
  createPeer?(first: MemoryBackend, ctx: ConformanceContext): Promise<MemoryBackend>;
  /** Every physical key or file the store still holds for `namespace` ("delete removes everything"). */
  rawKeys?(backend: MemoryBackend, namespace: string): Promise<string[]>;
  /**
   * Child-process variant: `module` is the absolute path of a module exporting
   * `createBackend(): Promise<MemoryBackend>` (reading its configuration from `env`).
   */
  childProcess?: { module: string; env?: Record<string, string> };
  /** False when the backend cannot take the injected clock for expiry (default true). */
  manualClock?: boolean;
  /** Clean up after each test; default `backend.close()`. */
  destroy?(backend: MemoryBackend): Promise<void>;
  /** Runs of the model-based property test (default 100). */
  modelRuns?: number;
  /** Scale for the concurrency tests (default 1; use less than 1 for slow stores). */
  concurrencyScale?: number;
}
