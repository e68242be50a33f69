import { compareKeys, isSafeId, type SessionGroup, ValidationError } from "@tta-dev/core";
import type { TagMode } from "./inputs.js";
import type { GroupPage } from "./outputs.js";

/** The filters of `listGroups`, already normalised. */
export interface GroupFilter {
  status?: SessionGroup["status"];
  tags: readonly string[];
  tagMode: TagMode;
}

/** True when the group passes the filter; no tags means no tag filter. */
export function matchesFilter(group: SessionGroup, filter: GroupFilter): boolean {
  if (filter.status !== undefined && group.status !== filter.status) return false;
  if (filter.tags.length === 0) return true;
  return filter.tagMode === "all"
    ? filter.tags.every((t) => group.tags.includes(t))
    : filter.tags.some((t) => group.tags.includes(t));
}

/** An opaque cursor: the id of the last group of the previous page, base64url-encoded. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, "utf8").toString("base64url");
}

/** @throws ValidationError when the cursor is not one `listGroups` handed out */
export function decodeCursor(cursor: string): string {
  const id = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  if (!isSafeId(id)) {
    throw new ValidationError("cursor: not a cursor returned by listGroups", {
      issues: [{ path: "cursor", message: "invalid cursor" }],
    });
  }
  return id;
}

/**
 * One page of the groups that pass the filter, in the stable order of their ids (the order every backend
 * shares, see `compareKeys`), starting after the cursor's group. A cursor stays valid when its group is
 * deleted meanwhile.
 */
export function pageOf(
  groups: readonly SessionGroup[],
  filter: GroupFilter,
  cursor: string | undefined,
  limit: number,
): GroupPage {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const matching = groups
    .filter((g) => after === undefined || compareKeys(g.id, after) > 0)
    .filter((g) => matchesFilter(g, filter));
  const items = matching.slice(0, limit);
  const nextCursor = matching.length > limit ? encodeCursor(items[items.length - 1]!.id) : null;
  return { items, nextCursor };
}
