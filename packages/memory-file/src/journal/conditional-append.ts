import {
  type ConditionalAppend,
  conditionHolds,
  type RecordCondition,
  type StoredRecord,
} from "@tta-dev/core";
import type { LockManager } from "../lock/lock.js";
import type { LogFile, PreparedItem } from "../log/log-file.js";
import type { LockedReads, RecordJournal } from "./record-journal.js";

/** The journal that holds a condition's record, and its file (whose lock every write to it takes). */
export interface ConditionJournal {
  journal: RecordJournal & LockedReads;
  path: string;
}

/**
 * Append to `log` only when the record of `condition` meets it, atomically across processes. Under
 * the log's lock, the lock of the record's journal is taken too (synchronously: no other task of
 * this thread runs meanwhile); the journal is read as it is now, other processes' writes included,
 * and the batch is written before either lock is let go. Every write to that record holds the same
 * journal lock, so a status change in any process lands wholly before the check (the append is
 * refused) or wholly after the append. Locks are taken log first, journal second, and no code path
 * takes a log's lock while it holds a journal's, so the two never wait on each other in a cycle.
 *
 * @example
 * const r = await appendIfHeld(locks, condition, { journal, path }, log, [{ json: '{"text":"hi"}' }]);
 */
export async function appendIfHeld(
  locks: LockManager,
  condition: RecordCondition,
  held: ConditionJournal,
  log: LogFile,
  items: readonly PreparedItem[],
): Promise<ConditionalAppend> {
  let found: StoredRecord | null = null;
  const entries = await log.appendThrough(items, (write) =>
    locks.withLockSync(`${held.path}.lock`, () => {
      found = held.journal.getLocked(condition.key);
      return conditionHolds(condition, found) ? write() : null;
    }),
  );
  return entries === null ? { ok: false, record: found } : { ok: true, entries };
}
