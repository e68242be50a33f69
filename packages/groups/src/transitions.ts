import {
  GROUP_TRANSITIONS,
  type GroupStatus,
  InvalidTransitionError,
  type SessionGroup,
} from "@tta-dev/core";

/** True when the lifecycle allows moving a group from `from` to `to` (a different status). */
export function canTransition(from: GroupStatus, to: GroupStatus): boolean {
  return GROUP_TRANSITIONS[from].includes(to);
}

/**
 * The group after moving it to `to` at time `now`, or `null` when it already has that status (a no-op:
 * nothing changes, the summary included). `closedAt` is set on closing and cleared on reopening;
 * `archivedAt` is set on archiving; a given summary replaces the stored one. The version is bumped by the
 * caller when it writes.
 *
 * @throws InvalidTransitionError naming both states when the lifecycle forbids the move
 * @example
 * applyTransition(group, "closed", now, "shipped") // { ...group, status: "closed", closedAt: now, summary: "shipped" }
 */
export function applyTransition(
  group: SessionGroup,
  to: GroupStatus,
  now: string,
  summary?: string,
): SessionGroup | null {
  const from = group.status;
  if (from === to) return null;
  if (!canTransition(from, to)) {
    throw new InvalidTransitionError("group", group.id, from, to, GROUP_TRANSITIONS[from]);
  }
  const next: SessionGroup = { ...group, status: to, updatedAt: now };
  if (summary !== undefined) next.summary = summary;
  if (to === "closed") next.closedAt = now;
  if (to === "active") delete next.closedAt;
  if (to === "archived") next.archivedAt = now;
  return next;
}
