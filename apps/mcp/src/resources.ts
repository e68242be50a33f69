import { type Handlers, operations } from "@tta-dev/contract";
import { hasErrorCode, WORKFLOW_STAGES } from "@tta-dev/core";
import type { McpCallContext } from "./options.js";
import { invoke } from "./tools.js";

/** A resource template as `resources/templates/list` shows it. */
export interface ResourceTemplate {
  uriTemplate: string;
  name: string;
  title: string;
  description: string;
  mimeType: string;
}

/** The resource templates: what an agent can read without a tool call. */
export const RESOURCE_TEMPLATES: readonly ResourceTemplate[] = [
  {
    uriTemplate: "tta://session/{id}",
    name: "session",
    title: "Session",
    description: "A session: title, tags, status, dates (JSON).",
    mimeType: "application/json",
  },
  {
    uriTemplate: "tta://session/{id}/messages",
    name: "session-messages",
    title: "Recent messages",
    description: "The last 50 messages of a session, oldest first (JSON).",
    mimeType: "application/json",
  },
  {
    uriTemplate: "tta://memory/{id}",
    name: "memory",
    title: "Deep memory",
    description: "One deep memory: a lesson, decision, failure, pattern or observation (JSON).",
    mimeType: "application/json",
  },
  {
    uriTemplate: "tta://context/{session}/{stage}",
    name: "context",
    title: "Stage context",
    description: `The rendered context of a session for a stage (${WORKFLOW_STAGES.join(", ")}), exactly as an agent gets it (markdown).`,
    mimeType: "text/markdown",
  },
];

/** The one fixed resource besides the sessions. */
export const PAFS_URI = "tta://pafs";

/** One page of `resources/list`: the PAFs first, then sessions, newest ids last (the store's order). */
export const RESOURCE_PAGE = 50;

/** A listed resource. */
export interface ListedResource {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType: string;
}

/** What reading a resource gives. */
export interface ResourceContents {
  uri: string;
  mimeType: string;
  text: string;
}

/** Thrown for a URI that names no resource: the server answers JSON-RPC -32002. */
export class ResourceNotFound extends Error {
  constructor(readonly uri: string) {
    super(`Resource not found: ${uri}`);
  }
}

/** Whether the workspace has a PAFCORE.md (the PAFs resource is listed only then). */
async function hasPafs(handlers: Handlers, ctx: McpCallContext): Promise<boolean> {
  try {
    await invoke(operations["paf.list"], {}, handlers, ctx);
    return true;
  } catch (error) {
    if (hasErrorCode(error, "PAF_FILE_NOT_FOUND")) return false;
    throw error;
  }
}

/** A page of resources; the cursor is the session list's. */
export async function listResources(
  cursor: string | undefined,
  handlers: Handlers,
  ctx: McpCallContext,
): Promise<{ resources: ListedResource[]; nextCursor?: string }> {
  const page = (await invoke(
    operations["session.list"],
    { limit: RESOURCE_PAGE, ...(cursor ? { cursor } : {}) },
    handlers,
    ctx,
  )) as { items: { id: string; title?: string; status: string }[]; nextCursor: string | null };
  const resources: ListedResource[] = [];
  if (!cursor && (await hasPafs(handlers, ctx))) {
    resources.push({
      uri: PAFS_URI,
      name: "pafs",
      title: "PAFs",
      description: "The active Permanent Architectural Facts of PAFCORE.md (JSON).",
      mimeType: "application/json",
    });
  }
  for (const s of page.items) {
    resources.push({
      uri: `tta://session/${s.id}`,
      name: s.id,
      ...(s.title ? { title: s.title } : {}),
      description: `Session (${s.status})`,
      mimeType: "application/json",
    });
  }
  return { resources, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

const SEGMENT = "([^/?#]+)";
const ROUTES: {
  pattern: RegExp;
  read: (m: string[], h: Handlers, c: McpCallContext) => Promise<[string, string]>;
}[] = [
  {
    pattern: new RegExp(`^tta://session/${SEGMENT}$`),
    read: async ([id], h, c) => json(await invoke(operations["session.get"], { id }, h, c)),
  },
  {
    pattern: new RegExp(`^tta://session/${SEGMENT}/messages$`),
    read: async ([sessionId], h, c) =>
      json(await invoke(operations["message.list"], { sessionId, last: 50 }, h, c)),
  },
  {
    pattern: new RegExp(`^tta://memory/${SEGMENT}$`),
    read: async ([id], h, c) => json(await invoke(operations["memory.get"], { id }, h, c)),
  },
  {
    pattern: /^tta:\/\/pafs$/,
    read: async (_m, h, c) => json(await invoke(operations["paf.list"], {}, h, c)),
  },
  {
    pattern: new RegExp(`^tta://context/${SEGMENT}/${SEGMENT}$`),
    read: async ([sessionId, stage], h, c) => {
      const out = (await invoke(
        operations["context.load"],
        { sessionId, stage, format: "markdown" },
        h,
        c,
      )) as {
        rendered?: string;
      };
      return ["text/markdown", out.rendered ?? ""];
    },
  },
];

function json(value: unknown): [string, string] {
  return ["application/json", JSON.stringify(value)];
}

/**
 * Read a `tta://` resource through the same operations as the tools.
 *
 * @throws ResourceNotFound for an unknown URI or a missing session, memory or PAFCORE.md; TtaError otherwise
 */
export async function readResource(
  uri: string,
  handlers: Handlers,
  ctx: McpCallContext,
): Promise<ResourceContents> {
  for (const route of ROUTES) {
    const m = route.pattern.exec(uri);
    if (!m) continue;
    let parts: string[];
    try {
      parts = m.slice(1).map((p) => decodeURIComponent(p));
    } catch {
      throw new ResourceNotFound(uri);
    }
    try {
      const [mimeType, text] = await route.read(parts, handlers, ctx);
      return { uri, mimeType, text };
    } catch (error) {
      const missing = ["SESSION_NOT_FOUND", "MEMORY_NOT_FOUND", "PAF_FILE_NOT_FOUND"] as const;
      if (missing.some((code) => hasErrorCode(error, code))) throw new ResourceNotFound(uri);
      throw error;
    }
  }
  throw new ResourceNotFound(uri);
}
