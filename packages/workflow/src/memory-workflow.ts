import {
  type Clock,
  charsPerFourEstimator,
  type DeepMemory,
  hasErrorCode,
  type Limits,
  type LoadedContext,
  type MemoryBackend,
  type Message,
  type NamingPolicy,
  parseOrThrow,
  type SearchLanguage,
  systemClock,
  type TokenEstimator,
  type WorkflowContext,
  WorkflowContext as WorkflowContextSchema,
} from "@tta-dev/core";
import { createGroupStore, type GroupStore } from "@tta-dev/groups";
import { createMemoryStore, type MemoryCreateInput, type MemoryStore } from "@tta-dev/memory";
import type { PafSource } from "@tta-dev/paf";
import { createStagePolicy, type StagePolicyEngine } from "@tta-dev/stages";
import { type LoadOptions, loadContext } from "./load-context.js";

/** Options of {@link createMemoryWorkflow}. */
export interface MemoryWorkflowOptions {
  backend: MemoryBackend;
  /** Default `default`. */
  namespace?: string;
  /** Where the `pafs` layer reads facts from; none means an empty layer. */
  pafSource?: PafSource;
  /** The stage policy; default the built-in table. */
  policy?: StagePolicyEngine;
  clock?: Clock;
  limits?: Partial<Limits>;
  namingPolicy?: NamingPolicy;
  /** The language of deep-memory search analysis (stop words, stemming); default `english`. */
  searchLanguage?: SearchLanguage;
  /** Token estimator for budgets; default characters / 4. */
  estimator?: TokenEstimator;
  /** Receives warnings (e.g. a session name that breaks the pattern under `warn`). */
  logger?: { warn(message: string, details?: Record<string, unknown>): void };
}

/** The seed's MemoryWorkflowPrimitive: the memory layers, the groups and stage-aware loading. */
export interface MemoryWorkflow {
  readonly namespace: string;
  readonly memory: MemoryStore;
  readonly groups: GroupStore;
  readonly policy: StagePolicyEngine;
  readonly pafSource: PafSource | undefined;
  /** Append one message to an active session. */
  addSessionMessage(
    sessionId: string,
    role: Message["role"],
    content: string,
    options?: { metadata?: Record<string, unknown>; idempotencyKey?: string },
  ): Promise<Message>;
  /** Store a deep memory (a lesson, decision, failure…). */
  createDeepMemory(input: MemoryCreateInput): Promise<DeepMemory>;
  /**
   * A new context whose `memory` holds what the stage needs, within the policy's limits and budget.
   *
   * @throws VALIDATION_FAILED for an unknown stage or mode (listing the valid ones), SESSION_NOT_FOUND
   */
  loadWorkflowContext(
    ctx: WorkflowContext,
    options: LoadOptions,
  ): Promise<WorkflowContext & { memory: LoadedContext }>;
}

/**
 * Compose memory, groups, the stage policy and PAFs over one backend and namespace.
 *
 * @example
 * const wf = createMemoryWorkflow({ backend: createInMemoryBackend() });
 * await wf.memory.sessions.create({ id: "user-prefs-feature-2025-10-28", title: "User preferences" });
 * await wf.addSessionMessage("user-prefs-feature-2025-10-28", "user", "Build user preferences with Redis caching");
 * const ctx = await wf.loadWorkflowContext(
 *   { workflowId: "wf-123", sessionId: "user-prefs-feature-2025-10-28", metadata: {}, state: {} },
 *   { stage: "plan", mode: "standard" },
 * );
 * ctx.memory.explain; // what was loaded and why
 */
export function createMemoryWorkflow(options: MemoryWorkflowOptions): MemoryWorkflow {
  const clock = options.clock ?? systemClock;
  const common = {
    backend: options.backend,
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
    clock,
    ...(options.limits ? { limits: options.limits } : {}),
  };
  let groups: GroupStore | undefined;
  const memory = createMemoryStore({
    ...common,
    ...(options.namingPolicy ? { namingPolicy: options.namingPolicy } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.searchLanguage ? { search: { language: options.searchLanguage } } : {}),
    // Cascade: the session record is gone first, then its memberships.
    onSessionDelete: async (sessionId) => ({ memberships: await groups!.removeSessionEverywhere(sessionId) }),
    groups: {
      missing: async (groupIds) => {
        const found = await Promise.all(
          groupIds.map((id) =>
            groups!.getGroup(id).then(
              () => null,
              (e: unknown) => (hasErrorCode(e, "GROUP_NOT_FOUND") ? id : Promise.reject(e)),
            ),
          ),
        );
        return found.filter((id): id is string => id !== null);
      },
      memberships: async (sessionId) => (await groups!.getGroupsOfSession(sessionId)).length,
    },
  });
  groups = createGroupStore({
    ...common,
    reader: {
      recentMessages: async (sessionId, n) =>
        (await memory.messages.list({ sessionId, last: Math.max(1, Math.min(n, 1000)) })).items,
      memoriesOfGroup: async (groupId) =>
        memory.memories.search({ groupId, limit: 100 }).then((h) => h.map((x) => x.memory)),
    },
  });
  const policy = options.policy ?? createStagePolicy();
  const estimator = options.estimator ?? charsPerFourEstimator;
  const deps = { memory, groups, policy, pafSource: options.pafSource, estimator, clock };

  return {
    namespace: memory.namespace,
    memory,
    groups,
    policy,
    pafSource: options.pafSource,
    addSessionMessage: (sessionId, role, content, extra = {}) =>
      memory.messages.append({ sessionId, role, content, ...extra }),
    createDeepMemory: (input) => memory.memories.create(input),
    async loadWorkflowContext(ctx, loadOptions) {
      const checked = parseOrThrow(WorkflowContextSchema, ctx, "workflow context");
      const loaded = await loadContext(deps, checked, loadOptions);
      return { ...checked, memory: loaded };
    },
  };
}
