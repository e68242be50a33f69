import {
  type Clock,
  checkNamespace,
  DEFAULT_NAMESPACE,
  type Limits,
  type MemoryBackend,
  NAMING_POLICIES,
  type NamingPolicy,
  resolveLimits,
  systemClock,
  toIso,
  ValidationError,
} from "@tta-dev/core";
import { type TextAnalyzer, textAnalyzer } from "./text.js";

/** Where warnings go (e.g. a session id that does not follow the naming pattern under `warn`). */
export interface MemoryLogger {
  warn(message: string, details?: Record<string, unknown>): void;
}

/** Options shared by every store of this package. */
export interface MemoryContextOptions {
  /** The storage port every store writes through. */
  backend: MemoryBackend;
  /** All data lives in this namespace; default `default`. */
  namespace?: string;
  /** Time source of every timestamp, TTL check and recency decay; default the system clock. */
  clock?: Clock;
  /** Overrides of the core size and count limits. */
  limits?: Partial<Limits>;
  /** How strictly session ids must follow `{component}-{purpose}-{date}`; default `strict`. */
  namingPolicy?: NamingPolicy;
  /** Receives warnings; libraries never log on their own. */
  logger?: MemoryLogger;
  /** Deep-memory search: the language of its text analysis (stop words, stemming); default `english`. */
  search?: { language?: string };
}

/** The resolved options every store works with. */
export interface MemoryContext {
  readonly backend: MemoryBackend;
  readonly namespace: string;
  readonly clock: Clock;
  readonly limits: Limits;
  readonly namingPolicy: NamingPolicy;
  readonly logger: MemoryLogger | undefined;
  /** The text analysis of deep-memory search (index and queries alike). */
  readonly analyzer: TextAnalyzer;
  /** The clock's time as ISO-8601 UTC with milliseconds. */
  nowIso(): string;
}

/**
 * Check and fill in the shared options.
 *
 * @example
 * const ctx = resolveMemoryContext({ backend: createInMemoryBackend() });
 */
export function resolveMemoryContext(options: MemoryContextOptions): MemoryContext {
  if (!options || typeof options.backend !== "object" || options.backend === null) {
    throw new ValidationError("options.backend: a MemoryBackend is required", {
      issues: [{ path: "backend", message: "required" }],
    });
  }
  const namingPolicy = options.namingPolicy ?? "strict";
  if (!NAMING_POLICIES.includes(namingPolicy)) {
    throw new ValidationError(`options.namingPolicy: must be one of ${NAMING_POLICIES.join(", ")}`, {
      issues: [{ path: "namingPolicy", message: "invalid" }],
    });
  }
  const clock = options.clock ?? systemClock;
  return {
    backend: options.backend,
    namespace: checkNamespace(options.namespace ?? DEFAULT_NAMESPACE),
    clock,
    limits: resolveLimits(options.limits),
    namingPolicy,
    logger: options.logger,
    analyzer: textAnalyzer(options.search?.language),
    nowIso: () => toIso(clock.now()),
  };
}
