import { type Handlers, operations } from "@tta-dev/contract";
import { ValidationError, WORKFLOW_MODES, WORKFLOW_STAGES } from "@tta-dev/core";
import type { McpCallContext } from "./options.js";
import { invoke } from "./tools.js";

/** What each stage is for, in the prompt's description. */
const PURPOSE: Record<(typeof WORKFLOW_STAGES)[number], string> = {
  understand: "understand the task: the session's conversation and the project's PAFs",
  decompose: "split the work: recent messages, the cache and the PAFs",
  plan: "plan: recent messages, the cache, relevant deep memories and the PAFs",
  implement: "implement: the latest messages and the cache",
  validate: "validate: recent messages, the cache and relevant deep memories",
  reflect: "reflect: the whole session, deep memories, PAFs and the group's other sessions",
};

/** A prompt as `prompts/list` shows it. */
export interface ListedPrompt {
  name: string;
  title: string;
  description: string;
  arguments: { name: string; description: string; required: boolean }[];
}

/** One prompt per workflow stage, each taking a session id (and optionally a mode). */
export const PROMPTS: readonly ListedPrompt[] = WORKFLOW_STAGES.map((stage) => ({
  name: stage,
  title: `tta: ${stage}`,
  description: `The context to ${PURPOSE[stage]}, loaded for one session within the stage's token budget.`,
  arguments: [
    { name: "session", description: "Session id, e.g. user-prefs-feature-2026-12-03", required: true },
    { name: "mode", description: `One of ${WORKFLOW_MODES.join(", ")} (default standard)`, required: false },
  ],
}));

/**
 * The messages of a prompt: the stage's rendered context for the session, as one user message.
 *
 * @throws TtaError (VALIDATION_FAILED for an unknown prompt or a missing argument, SESSION_NOT_FOUND, …)
 */
export async function getPrompt(
  name: string,
  args: Record<string, string> | undefined,
  handlers: Handlers,
  ctx: McpCallContext,
): Promise<{ description: string; messages: { role: "user"; content: { type: "text"; text: string } }[] }> {
  const prompt = PROMPTS.find((p) => p.name === name);
  if (!prompt) {
    throw new ValidationError(`Unknown prompt "${name}"; prompts are: ${WORKFLOW_STAGES.join(", ")}.`, {
      issues: [{ path: "name", message: "unknown prompt" }],
    });
  }
  const session = args?.session;
  if (!session) {
    throw new ValidationError(`The ${name} prompt needs the argument "session".`, {
      issues: [{ path: "session", message: "required" }],
    });
  }
  const out = (await invoke(
    operations["context.load"],
    { sessionId: session, stage: name, format: "markdown", ...(args?.mode ? { mode: args.mode } : {}) },
    handlers,
    ctx,
  )) as { rendered?: string };
  return {
    description: `tta context for the ${name} stage of ${session}`,
    messages: [{ role: "user", content: { type: "text", text: out.rendered ?? "" } }],
  };
}
