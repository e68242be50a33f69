import { z } from "zod";
import { Metadata } from "./common.js";
import { GroupStatus } from "./group.js";
import { MemoryHit, ScoreParts } from "./memory.js";
import { Paf } from "./paf.js";
import { CacheEntry, Message, SessionStatus } from "./session.js";
import { WORKFLOW_STAGES } from "./stage.js";

export { WORKFLOW_STAGES, WorkflowStage } from "./stage.js";

export const WORKFLOW_MODES = ["rapid", "standard", "augster-rigorous"] as const;
export const LAYERS = ["session", "cache", "deep", "pafs", "groups"] as const;

/** A workflow mode; input is case-insensitive, default `standard`. */
export const WorkflowMode = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toLowerCase() : v),
  z.enum(WORKFLOW_MODES, { error: () => `must be one of: ${WORKFLOW_MODES.join(", ")}` }),
);
export type WorkflowMode = (typeof WORKFLOW_MODES)[number];

export const Layer = z.enum(LAYERS);
export type Layer = z.infer<typeof Layer>;

/** Why a candidate was left out of a loaded context (`missing`: its source does not exist, e.g. no PAFCORE.md). */
export const ExcludeReason = z.enum(["limit", "budget", "expired", "filtered", "layer-off", "missing"]);
export type ExcludeReason = z.infer<typeof ExcludeReason>;

/** One candidate considered by the loader: included, or the reason it was not. */
export const ExplainEntry = z.object({
  layer: Layer,
  ref: z.string(),
  included: z.boolean(),
  reason: ExcludeReason.optional(),
  tokens: z.number().int().min(0),
  /** Deep memories: the search score and its parts. */
  score: z.number().optional(),
  scoreParts: ScoreParts.optional(),
});
export type ExplainEntry = z.infer<typeof ExplainEntry>;

/** Another session of one of this session's groups, as the `groups` layer shows it. */
export const GroupPeer = z.object({
  groupId: z.string(),
  groupStatus: GroupStatus,
  groupSummary: z.string().optional(),
  sessionId: z.string(),
  title: z.string().optional(),
  status: SessionStatus.optional(),
  messages: z.array(Message),
});
export type GroupPeer = z.infer<typeof GroupPeer>;

/** What `loadWorkflowContext` loaded for one stage and mode, and why. */
export const LoadedContext = z.object({
  stage: z.enum(WORKFLOW_STAGES),
  mode: z.enum(WORKFLOW_MODES),
  policyHash: z.string(),
  layers: z.object({
    session: z.array(Message),
    cache: z.array(CacheEntry),
    deep: z.array(MemoryHit),
    pafs: z.array(Paf),
    groups: z.array(GroupPeer),
  }),
  tokens: z.object({
    perLayer: z.object({
      session: z.number().int(),
      cache: z.number().int(),
      deep: z.number().int(),
      pafs: z.number().int(),
      groups: z.number().int(),
    }),
    total: z.number().int(),
    budget: z.number().int(),
  }),
  explain: z.array(ExplainEntry),
});
export type LoadedContext = z.infer<typeof LoadedContext>;

/** The context threaded through an agent's workflow. */
export const WorkflowContext = z.object({
  workflowId: z.string(),
  sessionId: z.string(),
  metadata: Metadata,
  state: z.record(z.string(), z.unknown()),
  memory: LoadedContext.optional(),
});
export type WorkflowContext = z.infer<typeof WorkflowContext>;
