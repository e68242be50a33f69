import { z } from "zod";

// The workflow stages, apart from the rest of the workflow schemas: a session records the stage it is
// in (`Session.stage`), and the workflow schemas build on sessions.

export const WORKFLOW_STAGES = [
  "understand",
  "decompose",
  "plan",
  "implement",
  "validate",
  "reflect",
] as const;

/** A workflow stage; input is case-insensitive. */
export const WorkflowStage = z.preprocess(
  (v) => (typeof v === "string" ? v.trim().toLowerCase() : v),
  z.enum(WORKFLOW_STAGES, { error: () => `must be one of: ${WORKFLOW_STAGES.join(", ")}` }),
);
export type WorkflowStage = (typeof WORKFLOW_STAGES)[number];
