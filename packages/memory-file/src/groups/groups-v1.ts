import { JsonValue } from "@tta-dev/core";
import { z } from "zod";
import { legacyToIso } from "./legacy-time.js";

/** One record of a groups file, as the port sees it, plus what the file holds beside it. */
export interface GroupEntry {
  json: string;
  version: number;
  expiresAt: number | null;
  /** Fields of the file entry that are not part of the value (`legacy`, unknown keys): written back as they were. */
  extra: Record<string, unknown>;
}

/** An optional field that may also be `null` (Python writes `None` as `null`). */
export const Nullish = <T extends z.ZodType>(s: T) => s.nullable().optional();
/** A group status, in any letter case. */
const Status = z.preprocess(
  (v) => (typeof v === "string" ? v.toLowerCase() : v),
  z.enum(["active", "closed", "archived"]),
);

const Json = JsonValue;

const V1Group = z.looseObject({
  group_id: z.string().min(1),
  description: Nullish(z.string()),
  tags: Nullish(z.array(z.string())),
  session_ids: Nullish(z.array(z.string())),
  created_at: z.string(),
  updated_at: Nullish(z.string()),
  status: Status,
  closed_at: Nullish(z.string()),
  archived_at: Nullish(z.string()),
  summary: Nullish(z.string()),
  metadata: Nullish(z.record(z.string(), Json)),
});

/** A `SessionGroup` value in the schema's key order; absent optional fields stay absent. */
export function groupValue(g: {
  id: string;
  description: string;
  tags: string[];
  sessionIds: string[];
  status: string;
  summary: string | null | undefined;
  metadata: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null | undefined;
  archivedAt: string | null | undefined;
  version: number;
}): Record<string, unknown> {
  return {
    id: g.id,
    description: g.description,
    tags: g.tags,
    sessionIds: g.sessionIds,
    status: g.status,
    ...(g.summary != null ? { summary: g.summary } : {}),
    metadata: g.metadata,
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
    ...(g.closedAt != null ? { closedAt: g.closedAt } : {}),
    ...(g.archivedAt != null ? { archivedAt: g.archivedAt } : {}),
    version: g.version,
  };
}

/** What is wrong with entry `index` of the groups array: `groups.<i>.<field>: <message>`. */
export function entryProblem(index: number, issues: readonly z.core.$ZodIssue[]): string {
  const first = issues[0];
  const path = first ? `groups.${index}.${first.path.map(String).join(".")}` : `groups.${index}`;
  return `${path}: ${first?.message ?? "invalid"}`;
}

/** An entry read into a record, or why it cannot be (see {@link entryProblem}). */
export type EntryResult = [string, GroupEntry] | { problem: string };

/**
 * One entry of a version 1.0 file as a `SessionGroup` at version 1. The original entry is kept,
 * untouched, under `legacy.entry` in the file.
 */
export function fromV1(raw: unknown, i: number): EntryResult {
  const r = V1Group.safeParse(raw);
  if (!r.success) return { problem: entryProblem(i, r.error.issues) };
  const g = r.data;
  const bad: string[] = [];
  const iso = (field: string, v: string | null | undefined): string | undefined => {
    if (v == null) return undefined;
    const t = legacyToIso(v);
    if (t === null) bad.push(`groups.${i}.${field}: not a timestamp: ${JSON.stringify(v)}`);
    return t ?? undefined;
  };
  const createdAt = iso("created_at", g.created_at)!;
  const updatedAt = iso("updated_at", g.updated_at) ?? createdAt;
  const closedAt = iso("closed_at", g.closed_at);
  const archivedAt = iso("archived_at", g.archived_at);
  if (bad.length > 0) return { problem: bad[0]! };
  const value = groupValue({
    id: g.group_id,
    description: g.description ?? "",
    tags: g.tags ?? [],
    sessionIds: g.session_ids ?? [],
    status: g.status,
    summary: g.summary,
    metadata: g.metadata ?? {},
    createdAt,
    updatedAt,
    closedAt,
    archivedAt,
    version: 1,
  });
  return [
    g.group_id,
    {
      json: JSON.stringify(value),
      version: 1,
      expiresAt: null,
      extra: { legacy: { from: "1.0", entry: raw } },
    },
  ];
}
