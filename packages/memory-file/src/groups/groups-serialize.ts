import { randomBytes } from "node:crypto";
import { encodeSegment, SessionGroup } from "@tta-dev/core";
import type { GroupsDoc } from "./groups-format.js";

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

function isPlainGroup(key: string, value: unknown): value is SessionGroup {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if (!Object.keys(value).every((k) => GROUP_KEYS.has(k))) return false;
  const r = SessionGroup.safeParse(value);
  return r.success && r.data.id === key;
}

/**
 * Serialise the version 2.0 snake_case file, groups in list order. Entries that failed validation
 * follow, each as the very text it had: a rewrite never drops or reshapes what it could not read.
 */
export function serializeGroupsFile(doc: GroupsDoc, lastUpdated: string): string {
  const keys = [...doc.entries.keys()]
    .map((k) => [encodeSegment(k), k] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const groups: unknown[] = keys.map(([, key]) => {
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
  // Bad entries go in as placeholders that no stored string can equal (a fresh random token),
  // then each placeholder is replaced by the entry's original text.
  const token = `\u0000kept-${randomBytes(9).toString("hex")}-`;
  for (let i = 0; i < doc.bad.length; i++) groups.push(`${token}${i}`);
  let text = `${JSON.stringify({ groups, version: "2.0", last_updated: lastUpdated, ...doc.extra }, null, 2)}\n`;
  doc.bad.forEach((b, i) => {
    const placeholder = JSON.stringify(`${token}${i}`);
    const at = text.indexOf(placeholder);
    text = text.slice(0, at) + b.text + text.slice(at + placeholder.length);
  });
  return text;
}
