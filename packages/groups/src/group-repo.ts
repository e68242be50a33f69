import { setTimeout as sleep } from "node:timers/promises";
import {
  AlreadyExistsError,
  BackendCorruptError,
  compareKeys,
  ErrorCode,
  GroupNotFoundError,
  groupsScope,
  hasErrorCode,
  type MemoryBackend,
  parseStored,
  type Scope,
  SessionGroup,
  VersionConflictError,
} from "@tta-dev/core";

/** How often a read-modify-write is retried when another writer got in between. */
export const MAX_WRITE_ATTEMPTS = 64;

/** The outcome of a read-modify-write: the group as stored now, and whether this call changed it. */
export interface MutateResult {
  group: SessionGroup;
  changed: boolean;
}

/**
 * A change to one group: the next state (without the version bump, which the repository adds), or
 * `null` to leave it as it is. It may throw a tta error to refuse; nothing is written then.
 */
export type GroupChange = (current: SessionGroup) => SessionGroup | null;

/** Versioned storage of `SessionGroup` records in one namespace: reads validated, writes compare-and-set. */
export interface GroupRepo {
  readonly scope: Scope;
  /** The group and the backend's record version, or `null` when absent. */
  read(id: string): Promise<{ group: SessionGroup; recordVersion: number } | null>;
  /** @throws GROUP_NOT_FOUND */
  get(id: string): Promise<SessionGroup>;
  /** @throws ALREADY_EXISTS */
  create(group: SessionGroup): Promise<SessionGroup>;
  /** Read-modify-write; retries on a concurrent write unless the caller pinned `ifVersion`. */
  mutate(id: string, ifVersion: number | undefined, change: GroupChange): Promise<MutateResult>;
  /** Delete; returns the group as it was. */
  remove(id: string, ifVersion: number | undefined): Promise<SessionGroup>;
  /** Every group of the namespace, in the stable key order. */
  all(): Promise<SessionGroup[]>;
}

/** Options of {@link createGroupRepo}. */
export interface GroupRepoOptions {
  backend: MemoryBackend;
  namespace: string;
}

/**
 * Create the storage layer of the group store.
 *
 * @example
 * const repo = createGroupRepo({ backend, namespace: "default" });
 * const group = await repo.get("feature-auth");
 */
export function createGroupRepo(options: GroupRepoOptions): GroupRepo {
  const { backend, namespace } = options;
  const scope = groupsScope(namespace);

  function decode(key: string, value: unknown): SessionGroup {
    const place = `groups/${key} in namespace "${namespace}"`;
    const group = parseStored(SessionGroup, value, place);
    if (group.id !== key) {
      throw new BackendCorruptError(`Corrupt data at ${place}: id is "${group.id}", not the record key.`, {
        place,
        issues: [{ path: "id", message: "does not match the record key" }],
      });
    }
    return group;
  }

  async function read(id: string) {
    const record = await backend.get(scope, id);
    return record ? { group: decode(id, record.value), recordVersion: record.version } : null;
  }

  async function backoff(attempt: number): Promise<void> {
    // Jitter breaks the lock-step of writers that keep colliding (several processes on one store).
    if (attempt > 1) await sleep(Math.floor(Math.random() * Math.min(attempt, 8)));
  }

  async function retrying<T>(id: string, pinned: boolean, attempt: () => Promise<T>): Promise<T> {
    let last: unknown;
    for (let n = 0; n < MAX_WRITE_ATTEMPTS; n++) {
      try {
        return await attempt();
      } catch (error) {
        if (pinned || !hasErrorCode(error, ErrorCode.VERSION_CONFLICT)) throw error;
        last = error;
        await backoff(n);
      }
    }
    throw last ?? new VersionConflictError(`Group "${id}"`, 0, 0);
  }

  function checkPinned(id: string, group: SessionGroup, ifVersion: number | undefined): void {
    if (ifVersion !== undefined && ifVersion !== group.version) {
      throw new VersionConflictError(`Group "${id}"`, ifVersion, group.version);
    }
  }

  return {
    scope,
    read,

    async get(id) {
      const found = await read(id);
      if (!found) throw new GroupNotFoundError(id, namespace);
      return found.group;
    },

    async create(group) {
      try {
        await backend.put(scope, group.id, group, { ifVersion: 0 });
        return group;
      } catch (error) {
        if (!hasErrorCode(error, ErrorCode.VERSION_CONFLICT)) throw error;
        throw new AlreadyExistsError(`Group "${group.id}" already exists in namespace "${namespace}".`, {
          groupId: group.id,
          namespace,
        });
      }
    },

    async mutate(id, ifVersion, change) {
      return retrying(id, ifVersion !== undefined, async () => {
        const found = await read(id);
        if (!found) throw new GroupNotFoundError(id, namespace);
        checkPinned(id, found.group, ifVersion);
        const next = change(found.group);
        if (next === null) return { group: found.group, changed: false };
        const stored: SessionGroup = { ...next, id, version: found.group.version + 1 };
        try {
          await backend.put(scope, id, stored, { ifVersion: found.recordVersion });
        } catch (error) {
          // A pinned caller learns the version that beat it, not the backend's record version.
          if (ifVersion !== undefined && hasErrorCode(error, ErrorCode.VERSION_CONFLICT)) {
            const now = await read(id);
            throw new VersionConflictError(`Group "${id}"`, ifVersion, now?.group.version ?? 0);
          }
          throw error;
        }
        return { group: stored, changed: true };
      });
    },

    async remove(id, ifVersion) {
      return retrying(id, ifVersion !== undefined, async () => {
        const found = await read(id);
        if (!found) throw new GroupNotFoundError(id, namespace);
        checkPinned(id, found.group, ifVersion);
        try {
          await backend.delete(scope, id, { ifVersion: found.recordVersion });
        } catch (error) {
          if (ifVersion !== undefined && hasErrorCode(error, ErrorCode.VERSION_CONFLICT)) {
            const now = await read(id);
            throw new VersionConflictError(`Group "${id}"`, ifVersion, now?.group.version ?? 0);
          }
          throw error;
        }
        return found.group;
      });
    },

    async all() {
      const out: SessionGroup[] = [];
      let cursor: string | undefined;
      do {
        const page = await backend.list(scope, { limit: 1000, ...(cursor ? { cursor } : {}) });
        for (const record of page.items) out.push(decode(record.key, record.value));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out.sort((a, b) => compareKeys(a.id, b.id));
    },
  };
}
