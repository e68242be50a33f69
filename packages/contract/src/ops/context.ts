import { LoadedContext, QueryField, WorkflowMode, WorkflowStage } from "@tta-dev/core";
import { z } from "zod";
import { defineOperation } from "../define.js";
import { INPUT_CAPS, SessionIdField } from "../fields.js";

/** How `context.load` returns the loaded context. */
export const ContextFormat = z.enum(["json", "markdown"]);

/**
 * `context.load`: the layers a stage needs, within the budget, with the explain trace. Without
 * `stage`, the session's recorded stage (`session.setStage`); with neither, `VALIDATION_FAILED`.
 * Output `{ format, context, rendered? }`: `context` is always the `LoadedContext`; with
 * `format: "markdown"`, `rendered` is its safe rendering (and includes the explain trace when
 * `explain` is set). The CLI prints `rendered` as is, or `context` as JSON.
 */
export const contextLoad = defineOperation({
  name: "context.load",
  summary: "Load the context a workflow stage needs, within its token budget, with an explanation.",
  input: z.strictObject({
    sessionId: SessionIdField,
    stage: WorkflowStage.optional(),
    mode: WorkflowMode.optional(),
    workflowId: z.string().min(1).max(INPUT_CAPS.workflowId).optional(),
    query: QueryField.optional(),
    format: ContextFormat.optional(),
    explain: z.boolean().optional(),
  }),
  output: z.object({ format: ContextFormat, context: LoadedContext, rendered: z.string().optional() }),
  errors: ["NAME_INVALID", "SESSION_NOT_FOUND", "PAF_PARSE_ERROR"],
  http: { method: "POST", path: "/v1/sessions/{sessionId}/context", scope: "read" },
  cli: {
    words: ["context"],
    positionals: [{ name: "session", field: "sessionId", description: "Session id" }],
    flags: {
      stage: {
        field: "stage",
        type: "string",
        valueName: "S",
        description:
          "understand, decompose, plan, implement, validate or reflect (default: the session's stage, see tta stage set)",
      },
      mode: {
        field: "mode",
        type: "string",
        valueName: "M",
        description: "rapid, standard or augster-rigorous",
      },
      "workflow-id": { field: "workflowId", type: "string", valueName: "W", description: "Workflow id" },
      query: { field: "query", type: "string", valueName: "Q", description: "Deep-memory search query" },
      format: {
        field: "format",
        type: "string",
        valueName: "F",
        choices: ContextFormat.options,
        description: "markdown or json (default json; the CLI asks for markdown unless --json)",
      },
      explain: {
        field: "explain",
        type: "boolean",
        description: "Include the explain trace in the rendering",
      },
    },
    example: "tta context auth-design-2025-10-01 --stage plan --mode standard --format markdown --explain",
  },
  ids: { sessionId: "session" },
});

/** Every context operation. */
export const contextOperations = [contextLoad] as const;
