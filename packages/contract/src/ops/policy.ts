import { Layer, WORKFLOW_MODES, WORKFLOW_STAGES, WorkflowMode, WorkflowStage } from "@tta-dev/core";
import { z } from "zod";
import { defineOperation } from "../define.js";

/** One layer of a policy cell: off, on with an item limit, or on without one (`limit: null`). */
export const PolicyLayer = z.object({ enabled: z.boolean(), limit: z.number().int().min(0).nullable() });

/** The effective policy of one stage × mode. */
export const PolicyCell = z.object({
  stage: z.enum(WORKFLOW_STAGES),
  mode: z.enum(WORKFLOW_MODES),
  budget: z.number().int().min(0),
  layers: z.object({
    session: PolicyLayer,
    cache: PolicyLayer,
    deep: PolicyLayer,
    pafs: PolicyLayer,
    groups: PolicyLayer,
  }),
  /** Which layer gives way first when over budget. */
  giveWay: z.array(Layer),
});

/** `policy.show`: the effective stage policy (defaults merged with `.tta/policy.yaml`). */
export const policyShow = defineOperation({
  name: "policy.show",
  summary: "Show the effective stage policy, its hash and where it came from.",
  input: z.strictObject({ stage: WorkflowStage.optional(), mode: WorkflowMode.optional() }),
  output: z.object({
    policyHash: z.string(),
    /** The policy file applied over the defaults, or `null`. */
    source: z.string().nullable(),
    cells: z.array(PolicyCell),
  }),
  errors: ["NOT_SUPPORTED"],
  http: { method: "GET", path: "/v1/policy", scope: "read" },
  cli: {
    words: ["policy", "show"],
    positionals: [],
    flags: {
      stage: { field: "stage", type: "string", valueName: "S", description: "Only this stage" },
      mode: { field: "mode", type: "string", valueName: "M", description: "Only this mode" },
    },
    example: "tta policy show --stage plan --mode standard",
  },
});

/** Every policy operation. */
export const policyOperations = [policyShow] as const;
