import type { GroupStatus, Metadata, SessionGroup } from "@tta-dev/core";

/** One operation of the lifecycle model test. `pin`: no ifVersion, the current version, or a stale one. */
export type Pin = undefined | "current" | "stale";
export type Op =
  | { kind: "create"; name: string; tags: string[] }
  | { kind: "add"; group: string; session: string; pin: Pin }
  | { kind: "remove"; group: string; session: string; pin: Pin }
  | { kind: "status"; group: string; to: GroupStatus; summary: string | undefined; pin: Pin }
  | { kind: "patch"; group: string; patch: Metadata; pin: Pin }
  | { kind: "delete"; group: string; pin: Pin }
  | { kind: "cascade"; session: string };

/** What an operation gave: an error code, or `OK` with its value. */
export type Outcome = { code: string; value?: unknown };

const MOVES: Record<GroupStatus, GroupStatus[]> = {
  active: ["closed", "archived"],
  closed: ["active", "archived"],
  archived: [],
};

/**
 * The reference model: a plain map of groups and the rules of docs/domain.md#group-lifecycle written as directly as possible,
 * with the precedence of checks the store documents (not found, version, state, session, membership).
 */
export class GroupModel {
  readonly groups = new Map<string, SessionGroup>();

  constructor(
    private readonly sessions: ReadonlySet<string>,
    private readonly now: () => string,
  ) {}

  /** The ifVersion a pin stands for, given the model's current group. */
  ifVersionOf(group: string, pin: Pin): number | undefined {
    if (pin === undefined) return undefined;
    const version = this.groups.get(group)?.version ?? 1;
    return pin === "current" ? version : version + 1;
  }

  apply(op: Op): Outcome {
    switch (op.kind) {
      case "create": {
        if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(op.name)) return { code: "NAME_INVALID" };
        if (this.groups.has(op.name)) return { code: "ALREADY_EXISTS" };
        const at = this.now();
        const group: SessionGroup = {
          id: op.name,
          description: "",
          tags: [...new Set(op.tags)],
          sessionIds: [],
          status: "active",
          metadata: {},
          createdAt: at,
          updatedAt: at,
          version: 1,
        };
        this.groups.set(op.name, group);
        return { code: "OK", value: group };
      }
      case "cascade": {
        let n = 0;
        for (const [id, g] of this.groups) {
          if (!g.sessionIds.includes(op.session)) continue;
          this.put(id, { ...g, sessionIds: g.sessionIds.filter((s) => s !== op.session) });
          n += 1;
        }
        return { code: "OK", value: n };
      }
    }
    const g = this.groups.get(op.group);
    if (!g) return { code: "GROUP_NOT_FOUND" };
    if (op.pin === "stale") return { code: "VERSION_CONFLICT" };
    switch (op.kind) {
      case "add": {
        if (g.status !== "active") return { code: "GROUP_NOT_ACTIVE" };
        if (!this.sessions.has(op.session)) return { code: "SESSION_NOT_FOUND" };
        if (g.sessionIds.includes(op.session)) return { code: "OK", value: { group: g, added: false } };
        return {
          code: "OK",
          value: { group: this.put(g.id, { ...g, sessionIds: [...g.sessionIds, op.session] }), added: true },
        };
      }
      case "remove": {
        if (!g.sessionIds.includes(op.session)) return { code: "OK", value: { group: g, removed: false } };
        const sessionIds = g.sessionIds.filter((s) => s !== op.session);
        return { code: "OK", value: { group: this.put(g.id, { ...g, sessionIds }), removed: true } };
      }
      case "status": {
        if (g.status === op.to) return { code: "OK", value: g };
        if (!MOVES[g.status].includes(op.to)) return { code: "INVALID_TRANSITION" };
        const at = this.now();
        const next: SessionGroup = { ...g, status: op.to };
        if (op.summary !== undefined) next.summary = op.summary;
        if (op.to === "closed") next.closedAt = at;
        if (op.to === "active") delete next.closedAt;
        if (op.to === "archived") next.archivedAt = at;
        return { code: "OK", value: this.put(g.id, next) };
      }
      case "patch": {
        const metadata: Metadata = { ...g.metadata };
        for (const [k, v] of Object.entries(op.patch)) {
          if (v === null) delete metadata[k];
          else metadata[k] = v;
        }
        const same =
          Object.keys(metadata).length === Object.keys(g.metadata).length &&
          Object.entries(metadata).every(([k, v]) => g.metadata[k] === v);
        return { code: "OK", value: same ? g : this.put(g.id, { ...g, metadata }) };
      }
      case "delete": {
        this.groups.delete(g.id);
        return {
          code: "OK",
          value: { groupId: g.id, deleted: { groups: 1, memberships: g.sessionIds.length } },
        };
      }
    }
  }

  private put(id: string, next: SessionGroup): SessionGroup {
    const stored = { ...next, updatedAt: this.now(), version: next.version + 1 };
    this.groups.set(id, stored);
    return stored;
  }
}
