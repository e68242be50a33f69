import type {
  Clock,
  Limits,
  MemoryBackend,
  NamingPolicy,
  RetentionRule,
  SearchLanguage,
  TokenEstimator,
} from "@tta-dev/core";
import type { CachedPafSource } from "@tta-dev/paf";
import type { StagePolicyEngine } from "@tta-dev/stages";

/** Where one piece of configuration came from, as `system.doctor` reports it. */
export interface ConfigSourceInfo {
  kind: "default" | "file" | "env" | "flag";
  name: string;
  keys: string[];
}

/** Options of {@link createHandlers}. */
export interface HandlersOptions {
  backend: MemoryBackend;
  /** The workspace root: PAF lookup and compliance checks are relative to it. */
  root: string;
  /** The data directory (`.tta/`): the PAF snapshot of `paf.diff` lives here. */
  dataDir: string;
  /** Configured `pafPath` (relative to root or absolute). */
  pafPath?: string;
  /** The PAF source shared by every namespace; default one over `root`/`pafPath`. */
  pafSource?: CachedPafSource;
  /** The effective stage policy; default the built-in table. */
  policy?: StagePolicyEngine;
  /** The policy file applied over the defaults, for `policy.show`. */
  policySource?: string | null;
  clock?: Clock;
  limits?: Partial<Limits>;
  namingPolicy?: NamingPolicy;
  /** The language of deep-memory search analysis (stop words, stemming); default `english`. */
  searchLanguage?: SearchLanguage;
  /** The configured retention rules (`retention:`), which `forget` with `applyPolicy` runs. */
  retention?: readonly RetentionRule[];
  estimator?: TokenEstimator;
  /** Configured runtime versions for the `runtime-version` checker. */
  runtime?: Record<string, string>;
  /** tta's version, for `system.doctor`. */
  version: string;
  /** Where the configuration came from, for `system.doctor`. */
  configSources?: ConfigSourceInfo[];
  logger?: { warn(message: string, details?: Record<string, unknown>): void };
}
