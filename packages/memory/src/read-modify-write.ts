import {
  hasErrorCode,
  type MemoryBackend,
  type Scope,
  type StoredRecord,
  VersionConflictError,
} from "@tta-dev/core";

/** What {@link readModifyWrite} needs to change one record safely. */
export interface ReadModifyWrite<T> {
  backend: MemoryBackend;
  scope: Scope;
  key: string;
  /** The caller's expected version; without it, a lost race is retried on fresh data. */
  ifVersion?: number | undefined;
  /** Names the record in a VERSION_CONFLICT message, e.g. `Session "x"`. */
  what: string;
  notFound: () => Error;
  decode: (record: StoredRecord) => T;
  /** The new stored value, or `null` when nothing changes. May throw (e.g. INVALID_TRANSITION). */
  change: (current: T) => unknown;
  /** Runs just before each write attempt, with the record the write replaces (e.g. to announce it). */
  beforeWrite?: (record: StoredRecord) => Promise<void>;
  /** Retries after a lost race when no `ifVersion` was given; default 10. */
  retries?: number;
}

/** The entity before and after, and whether anything was written. */
export interface ReadModifyWriteResult<T> {
  before: T;
  after: T;
  changed: boolean;
}

/**
 * Read a record, compute its next value and write it with `ifVersion` set to the version read, so a
 * concurrent writer can never be overwritten. A caller-given `ifVersion` that does not match fails
 * `VERSION_CONFLICT` with the current version; without one, a lost race re-reads and retries.
 */
export async function readModifyWrite<T>(op: ReadModifyWrite<T>): Promise<ReadModifyWriteResult<T>> {
  const retries = op.retries ?? 10;
  for (let attempt = 0; ; attempt++) {
    const record = await op.backend.get(op.scope, op.key);
    if (!record) throw op.notFound();
    if (op.ifVersion !== undefined && op.ifVersion !== record.version) {
      throw new VersionConflictError(op.what, op.ifVersion, record.version);
    }
    const before = op.decode(record);
    const next = op.change(before);
    if (next === null) return { before, after: before, changed: false };
    await op.beforeWrite?.(record);
    try {
      const written = await op.backend.put(op.scope, op.key, next, { ifVersion: record.version });
      return { before, after: op.decode(written), changed: true };
    } catch (error) {
      if (!hasErrorCode(error, "VERSION_CONFLICT")) throw error;
      if (op.ifVersion !== undefined) {
        const current = Number((error.details as { currentVersion?: unknown }).currentVersion ?? 0);
        throw new VersionConflictError(op.what, op.ifVersion, current);
      }
      // Under sustained contention give up with the conflict itself: the caller may retry.
      if (attempt >= retries) throw error;
    }
  }
}
