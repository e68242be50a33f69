import { JsonValue, Timestamp } from "@tta-dev/core";
import { z } from "zod";
import { corruptError, lineLocator } from "../corrupt.js";
import { MAX_STORED_DEPTH } from "../depth.js";
import { type DocLayout, isScanError, scanJson } from "../json-scan.js";
import { type EntryResult, entryProblem, fromV1, type GroupEntry, groupValue, Nullish } from "./groups-v1.js";

export type { GroupEntry } from "./groups-v1.js";

/** An entry of the groups array that fails validation: it costs only its own group. */
export interface BadEntry {
  /** Index in the file's `groups` array. */
  index: number;
  /** Where the entry starts (1-based). */
  line: number;
  column: number;
  /** Its span in the text, and the text itself: written back verbatim, never re-serialised. */
  start: number;
  end: number;
  text: string;
  reason: string;
  /** Its `group_id`, when it has one. */
  key?: string;
}

/** A parsed `session_groups.json`. */
export interface GroupsDoc {
  version: "1.0" | "2.0";
  /** The entries that read as records. */
  entries: Map<string, GroupEntry>;
  /** Line (1-based) where each entry of `entries` starts in the file read. */
  lines: Map<string, number>;
  /** Top-level fields to keep (`legacy`, unknown keys). */
  extra: Record<string, unknown>;
  /** Entries that fail validation, in file order: skipped by reads, kept by writes, moved by repair. */
  bad: BadEntry[];
  /** Groups with a bad entry: reading or writing them fails `BACKEND_CORRUPT` until the entry is fixed or moved. */
  damaged: Map<string, BadEntry>;
  /** Where the parts of the file read are. */
  layout: DocLayout;
}

/** The document of a namespace that has no groups file yet. */
export function emptyGroupsDoc(): GroupsDoc {
  return {
    version: "2.0",
    entries: new Map(),
    lines: new Map(),
    extra: {},
    bad: [],
    damaged: new Map(),
    layout: {
      root: { start: 0, end: 0, depth: 0 },
      members: new Map(),
      elements: [],
      arrayOpen: -1,
      arrayClose: -1,
    },
  };
}

const Json = JsonValue;
const V2Group = z.looseObject({
  group_id: z.string().min(1),
  description: z.string(),
  tags: z.array(z.string()),
  session_ids: z.array(z.string()),
  created_at: Timestamp,
  updated_at: Timestamp,
  status: z.enum(["active", "closed", "archived"]),
  closed_at: Nullish(Timestamp),
  archived_at: Nullish(Timestamp),
  summary: Nullish(z.string()),
  metadata: z.record(z.string(), Json),
  version: z.number().int().min(1),
  record_version: z.number().int().min(1).optional(),
  expires_at: Nullish(z.number()),
});

const V2Raw = z.looseObject({
  group_id: z.string().min(1),
  value: Json,
  record_version: z.number().int().min(1),
  expires_at: Nullish(z.number()),
});

const FileShape = z.looseObject({
  groups: z.array(z.unknown()),
  version: z.string(),
  last_updated: Nullish(z.string()),
});

const V2_KEYS = new Set([...Object.keys(V2Group.shape), "legacy"]);
const RAW_KEYS = new Set(Object.keys(V2Raw.shape));

function pick(obj: Record<string, unknown>, known: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !known.has(k) || k === "legacy"));
}

function fromV2(raw: unknown, i: number): EntryResult {
  if (typeof raw === "object" && raw !== null && "value" in raw && !("session_ids" in raw)) {
    const r = V2Raw.safeParse(raw);
    if (!r.success) return { problem: entryProblem(i, r.error.issues) };
    return [
      r.data.group_id,
      {
        json: JSON.stringify(r.data.value),
        version: r.data.record_version,
        expiresAt: r.data.expires_at ?? null,
        extra: pick(r.data, RAW_KEYS),
      },
    ];
  }
  const r = V2Group.safeParse(raw);
  if (!r.success) return { problem: entryProblem(i, r.error.issues) };
  const g = r.data;
  const value = groupValue({
    id: g.group_id,
    description: g.description,
    tags: g.tags,
    sessionIds: g.session_ids,
    status: g.status,
    summary: g.summary,
    metadata: g.metadata,
    createdAt: g.created_at,
    updatedAt: g.updated_at,
    closedAt: g.closed_at,
    archivedAt: g.archived_at,
    version: g.version,
  });
  return [
    g.group_id,
    {
      json: JSON.stringify(value),
      version: g.record_version ?? g.version,
      expiresAt: g.expires_at ?? null,
      extra: pick(g, V2_KEYS),
    },
  ];
}

const TOO_DEEP = `nested more than ${MAX_STORED_DEPTH} levels deep`;

function groupIdOf(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const id = (raw as { group_id?: unknown }).group_id;
  return typeof id === "string" && id.length > 0 ? id : undefined;
}

/**
 * Parse `session_groups.json`, version 1.0 (the original implementation) or 2.0. A text that is not
 * JSON, or a document whose top level is wrong, fails `BACKEND_CORRUPT` naming the file, line and
 * column. An entry that fails validation (a bad field, nesting beyond {@link MAX_STORED_DEPTH}, a
 * repeated `group_id`) costs only its group: it is listed in `bad` with the line where it starts.
 */
export function parseGroupsFile(file: string, text: string): GroupsDoc {
  // Scanned first (iteratively): its errors carry an offset, and its spans locate each entry.
  const layout = scanJson(text, "groups");
  const at = lineLocator(text);
  if (isScanError(layout))
    throw corruptError({ file, ...at(layout.offset) }, `not valid JSON: ${layout.message}`);
  const data: unknown = JSON.parse(text);
  const top = FileShape.safeParse(data);
  if (!top.success) {
    const issue = top.error.issues[0];
    const field = issue?.path.length ? `${issue.path.map(String).join(".")}: ` : "";
    throw corruptError(
      { file, ...at(layout.root.start) },
      `expected { groups: [...], version }: ${field}${issue?.message ?? "invalid"}`,
    );
  }
  const version = top.data.version;
  if (version !== "1.0" && version !== "2.0")
    throw corruptError(
      { file, ...at(layout.members.get("version")!.start) },
      `unknown version ${JSON.stringify(version)}`,
    );
  for (const [key, span] of layout.members) {
    // Kept fields are serialised again on every write: they must stay within what that can do.
    if (key !== "groups" && span.depth > MAX_STORED_DEPTH)
      throw corruptError({ file, ...at(span.keyStart) }, `${key}: ${TOO_DEEP}`);
  }
  const doc: GroupsDoc = {
    version,
    entries: new Map(),
    lines: new Map(),
    extra: Object.fromEntries(
      Object.entries(top.data).filter(([k]) => !["groups", "version", "last_updated"].includes(k)),
    ),
    bad: [],
    damaged: new Map(),
    layout,
  };
  if (version === "1.0") doc.extra.legacy = { from: "1.0", last_updated: top.data.last_updated ?? null };
  top.data.groups.forEach((raw, i) => {
    const span = layout.elements[i]!;
    const where = at(span.start);
    const result: EntryResult =
      span.depth > MAX_STORED_DEPTH
        ? { problem: `groups.${i}: ${TOO_DEEP}` }
        : version === "1.0"
          ? fromV1(raw, i)
          : fromV2(raw, i);
    const problem =
      "problem" in result
        ? result.problem
        : doc.entries.has(result[0])
          ? `groups.${i}.group_id: duplicate group_id ${JSON.stringify(result[0])}`
          : null;
    if (problem === null && !("problem" in result)) {
      doc.entries.set(result[0], result[1]);
      doc.lines.set(result[0], where.line);
      return;
    }
    const key = groupIdOf(raw);
    const bad: BadEntry = {
      index: i,
      ...where,
      start: span.start,
      end: span.end,
      text: text.slice(span.start, span.end),
      reason: problem!,
      ...(key !== undefined ? { key } : {}),
    };
    doc.bad.push(bad);
    if (key !== undefined && !doc.damaged.has(key)) doc.damaged.set(key, bad);
  });
  return doc;
}

/** Every session id named by the groups of a version 1.0 file, with the creation time of its first group. */
export function legacySessions(doc: GroupsDoc): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of doc.entries.values()) {
    const g = JSON.parse(e.json) as { sessionIds?: string[]; createdAt?: string };
    for (const id of g.sessionIds ?? []) {
      const prev = out.get(id);
      if (g.createdAt && (!prev || g.createdAt < prev)) out.set(id, g.createdAt);
    }
  }
  return out;
}
