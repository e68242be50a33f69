import {
  isStreamed,
  type JsonOperationName,
  OPERATION_LIST,
  type Operation,
  type OperationName,
} from "@tta-dev/contract";

/** When an agent should call each tool: the first thing it reads in `tools/list`. */
const WHEN: Record<JsonOperationName, string> = {
  "session.create":
    "Call once when a new piece of work starts (a feature, a refactor, a debugging hunt) to open a session named {component}-{purpose}-{YYYY-MM-DD}, e.g. user-prefs-feature-2026-12-03.",
  "session.get": "Call to see a session's title, tags and status.",
  "session.list": "Call to find earlier sessions by status, tag, component or date.",
  "session.complete":
    "Call when the work of a session is done; pass what was learnt as lessons, which become deep memories that later sessions find.",
  "session.archive": "Call to archive a session nobody will continue.",
  "session.setStage":
    "Call when the work moves to another stage (understand, decompose, plan, implement, validate, reflect); later context loads without a stage load this one.",
  "session.delete":
    "Call only when the user asks to delete a session; cascade also removes its messages, cache and memberships.",
  "message.append":
    "Call to record a message of the conversation (what the user asked, what was decided, a tool's result) in the session's history.",
  "message.list": "Call to read a session's recent messages (the last N, after a seq, or since a time).",
  "cache.set":
    "Call to keep a short-lived value for this session (a plan draft, a file list) with a time to live.",
  "cache.get": "Call to read a value cached for this session; null when absent or expired.",
  "cache.list": "Call to see the live cache entries of a session.",
  "cache.delete": "Call to drop a cache entry that is no longer true.",
  "memory.create":
    "Call when something should outlive this session: a decision, a lesson, a failure to avoid, a pattern; tag it and give its importance.",
  "memory.get": "Call to read one deep memory by id.",
  "memory.update": "Call to correct or re-rank a deep memory (content, kind, tags, importance, pin).",
  "memory.delete": "Call only when a deep memory is wrong and should be forgotten.",
  forget:
    "Call only when the user asks to forget: by retention rules or ids; run it with dryRun first and show the receipt before deleting.",
  "memory.search":
    "Call before deciding or answering from memory: search deep memory (lessons, decisions, failures) by text, tags, kind and importance.",
  "group.create": "Call to start a group of related sessions (a feature spanning several sessions).",
  "group.get": "Call to see a group, its members and status.",
  "group.list": "Call to find groups by status and tags.",
  "group.addSession":
    "Call to put the current session into a group of related work, so its context includes the other sessions.",
  "group.removeSession": "Call to take a session out of a group.",
  "group.sessions": "Call to list the sessions of a group.",
  "group.updateMetadata": "Call to record metadata on a group (a null value removes a key).",
  "group.setStatus": "Call to close, reopen or archive a group when its work ends or resumes.",
  "group.delete": "Call only when the user asks to delete a group (its sessions stay).",
  "group.summary": "Call for counts of groups by status and the tags in use.",
  "context.load":
    "Call at the start of each workflow stage (understand, decompose, plan, implement, validate, reflect): returns exactly the session messages, cache, deep memories, PAFs and group sessions that stage needs, within its token budget.",
  "paf.list":
    "Call to read the project's Permanent Architectural Facts (PAFCORE.md): rules the code must follow.",
  "paf.validate": "Call to check the code base against the PAFs (lint and compliance checks).",
  "paf.diff": "Call to see which PAFs were added, changed or deprecated since the last recorded snapshot.",
  "policy.show": "Call to see which layers and budget each stage and mode loads.",
  "system.doctor": "Call when tta misbehaves: backend, connectivity, capabilities and damaged data.",
  "system.repair":
    "Call only when doctor reports damaged data and the user agrees: sets it aside into side files.",
};

/** POST operations that give the same result when repeated with the same input. */
const IDEMPOTENT_POSTS = new Set<OperationName>([
  "session.complete",
  "session.archive",
  "session.setStage",
  "group.addSession",
  "group.setStatus",
  "system.repair",
]);

/** The tools an agent needs in its loop; `--tools all` exposes every operation. */
export const DEFAULT_TOOLS: readonly OperationName[] = [
  "context.load",
  "message.append",
  "memory.search",
  "memory.create",
  "session.create",
  "session.complete",
  "group.addSession",
];

/** MCP tool annotations (hints a client may use to ask before calling). */
export interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** One operation as a tool. */
export interface ToolEntry {
  name: string;
  op: Operation;
  description: string;
  annotations: ToolAnnotations;
}

/** `session.create` → `session_create`; `group.addSession` → `group_add_session` (valid in every client). */
export function toolNameOf(operation: string): string {
  return operation
    .replace(/\./g, "_")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase();
}

function annotationsOf(op: Operation): ToolAnnotations {
  const method = op.http.method;
  const readOnly = op.http.scope === "read" || method === "GET";
  return {
    title: op.summary.replace(/[;:(].*$/, "").trim(),
    readOnlyHint: readOnly,
    // Deletes, overwrites and forgetting lose what was there; everything else only adds or moves along.
    destructiveHint:
      !readOnly && (method === "DELETE" || method === "PUT" || method === "PATCH" || op.name === "forget"),
    idempotentHint: readOnly || method !== "POST" || IDEMPOTENT_POSTS.has(op.name as OperationName),
    openWorldHint: false,
  };
}

/**
 * Every operation of the contract as a tool, in contract order, but the streamed ones
 * (`system.export`, `system.import`): a tool answers JSON, and a namespace's bundle is not an answer
 * to put in an agent's context. `tta export` and `tta import bundle` (or the HTTP routes) move bundles.
 */
export const TOOL_CATALOG: readonly ToolEntry[] = OPERATION_LIST.filter((op) => !isStreamed(op)).map(
  (op) => ({
    name: toolNameOf(op.name),
    op,
    description: `${WHEN[op.name as JsonOperationName]} ${op.summary}`,
    annotations: annotationsOf(op),
  }),
);

const BY_NAME = new Map(TOOL_CATALOG.map((t) => [t.name, t]));

/** The tool called `name`, or `undefined`. */
export function toolByName(name: string): ToolEntry | undefined {
  return BY_NAME.get(name);
}

/** A tool set: `default`, `all`, or a list of tool or operation names. */
export type ToolSelection = "default" | "all" | readonly string[];

/**
 * The tools of a selection, in contract order.
 *
 * @throws Error naming an unknown tool (the apps turn it into VALIDATION_FAILED)
 */
export function selectTools(selection: ToolSelection = "default"): ToolEntry[] {
  if (selection === "all") return [...TOOL_CATALOG];
  const wanted = new Set(
    (selection === "default" ? DEFAULT_TOOLS : selection).map((n) => (n.includes(".") ? toolNameOf(n) : n)),
  );
  for (const name of wanted) {
    if (!BY_NAME.has(name)) {
      throw new Error(`Unknown tool "${name}"; tools are: ${TOOL_CATALOG.map((t) => t.name).join(", ")}.`);
    }
  }
  return TOOL_CATALOG.filter((t) => wanted.has(t.name));
}
