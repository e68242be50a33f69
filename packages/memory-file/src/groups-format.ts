import { encodeSegment, JsonValue, SessionGroup, Timestamp } from "@tta-dev/core";
import { z } from "zod";
import { corruptError, lineAndColumn } from "./corrupt.js";
import { fromV1, type GroupEntry, groupValue, Nullish, schemaError } from "./groups-v1.js";

export type { GroupEntry } from "./groups-v1.js";

/** A parsed `session_groups.json`. */
export interface GroupsDoc {
  version: "1.0" | "2.0";
  entries: Map<string, GroupEntry>;
  /** Top-level fields to keep (`legacy`, unknown keys). */
  extra: Record<string, unknown>;
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

const GROUP_KEYS = new Set([
  "id",
  "description",
  "tags",
  "sessionIds",
  "status",
  "summary",
  "metadata",
  "createdAt",
  "updatedAt",
  "closedAt",
  "archivedAt",
  "version",
]);
const V2_KEYS = new Set([...Object.keys(V2Group.shape), "legacy"]);
const RAW_KEYS = new Set(Object.keys(V2Raw.shape));

function pick(obj: Record<string, unknown>, known: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !known.has(k) || k === "legacy"));
}

function fromV2(file: string, text: string, raw: unknown, i: number): [string, GroupEntry] {
  if (typeof raw === "object" && raw !== null && "value" in raw && !("session_ids" in raw)) {
    const r = V2Raw.safeParse(raw);
    if (!r.success) throw schemaError(file, text, i, r.error.issues);
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
  if (!r.success) throw schemaError(file, text, i, r.error.issues);
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

/**
 * Parse `session_groups.json`, version 1.0 (the original implementation) or 2.0. Anything that does
 * not parse fails `BACKEND_CORRUPT` naming the file, the line and column, and the field.
 */
export function parseGroupsFile(file: string, text: string): GroupsDoc {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const pos = /position (\d+)/.exec((e as Error).message);
    const where = pos ? lineAndColumn(text, Number(pos[1])) : {};
    throw corruptError({ file, ...where }, `not valid JSON (${(e as Error).message})`);
  }
  const top = FileShape.safeParse(data);
  if (!top.success)
    throw corruptError(
      { file, line: 1 },
      `expected { groups: [...], version }: ${top.error.issues[0]?.message}`,
    );
  const version = top.data.version;
  if (version !== "1.0" && version !== "2.0")
    throw corruptError({ file }, `unknown version ${JSON.stringify(version)}`);
  const entries = new Map<string, GroupEntry>();
  top.data.groups.forEach((raw, i) => {
    const [key, entry] = version === "1.0" ? fromV1(file, text, raw, i) : fromV2(file, text, raw, i);
    if (entries.has(key))
      throw schemaError(file, text, i, [
        {
          code: "custom",
          path: ["group_id"],
          message: `duplicate group_id ${JSON.stringify(key)}`,
          input: key,
        },
      ]);
    entries.set(key, entry);
  });
  const extra = Object.fromEntries(
    Object.entries(top.data).filter(([k]) => !["groups", "version", "last_updated"].includes(k)),
  );
  if (version === "1.0") extra.legacy = { from: "1.0", last_updated: top.data.last_updated ?? null };
  return { version, entries, extra };
}

function isPlainGroup(key: string, value: unknown): value is SessionGroup {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if (!Object.keys(value).every((k) => GROUP_KEYS.has(k))) return false;
  const r = SessionGroup.safeParse(value);
  return r.success && r.data.id === key;
}

/** Serialise the version 2.0 snake_case file, groups in list order. */
export function serializeGroupsFile(doc: GroupsDoc, lastUpdated: string): string {
  const keys = [...doc.entries.keys()]
    .map((k) => [encodeSegment(k), k] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const groups = keys.map(([, key]) => {
    const e = doc.entries.get(key)!;
    const value: unknown = JSON.parse(e.json);
    const storage = {
      ...(e.expiresAt !== null ? { expires_at: e.expiresAt } : {}),
    };
    if (!isPlainGroup(key, value))
      return { group_id: key, value, record_version: e.version, ...storage, ...e.extra };
    return {
      group_id: key,
      description: value.description,
      tags: value.tags,
      session_ids: value.sessionIds,
      created_at: value.createdAt,
      updated_at: value.updatedAt,
      status: value.status,
      closed_at: value.closedAt ?? null,
      archived_at: value.archivedAt ?? null,
      summary: value.summary ?? null,
      metadata: value.metadata,
      version: value.version,
      ...(e.version !== value.version ? { record_version: e.version } : {}),
      ...storage,
      ...e.extra,
    };
  });
  return `${JSON.stringify({ groups, version: "2.0", last_updated: lastUpdated, ...doc.extra }, null, 2)}\n`;
}

/** Every session id named by the groups of a version 1.0 file, with the creation time of its first group. */
export function legacySessions(doc: GroupsDoc): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of doc.entries.values()) {
    const g = JSON.parse(e.json) as Partial<SessionGroup>;
    for (const id of g.sessionIds ?? []) {
      const prev = out.get(id);
      if (g.createdAt && (!prev || g.createdAt < prev)) out.set(id, g.createdAt);
    }
  }
  return out;
}
