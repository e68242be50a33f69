import type { OutputOf } from "@tta-dev/contract";
import {
  cacheScope,
  groupsScope,
  type LogEntry,
  type MemoryBackend,
  memoriesScope,
  memoryChangesScope,
  messagesScope,
  sessionsScope,
  toTtaError,
} from "@tta-dev/core";
import { allRecords } from "@tta-dev/memory";

/** The store check of `system.doctor`. */
export type StoreCheck = OutputOf<"system.doctor">["store"];

/**
 * Read what the backend holds for `namespace` and list damaged data (`system.doctor`). A backend
 * without `inspect` reports `inspected: false`; a check that fails is itself reported as a problem,
 * so the doctor always answers.
 *
 * @example
 * const check = await checkStore(backend, "default");
 * if (check.problems.length) console.log("run tta repair --dry-run");
 */
export async function checkStore(backend: MemoryBackend, namespace: string): Promise<StoreCheck> {
  if (!backend.inspect) return { inspected: false, checked: 0, problems: [] };
  try {
    const found = await backend.inspect({ namespace });
    return {
      inspected: true,
      checked: found.checked,
      problems: found.problems.map((p) => ({
        kind: p.kind,
        place: p.place,
        ...(p.line !== undefined ? { line: p.line } : {}),
        message: p.message,
        repairable: p.repairable,
      })),
    };
  } catch (error) {
    const e = toTtaError(error);
    return {
      inspected: true,
      checked: 0,
      problems: [
        { kind: "inspect-failed", place: "(store)", message: `${e.code}: ${e.message}`, repairable: false },
      ],
    };
  }
}

/** The sizes `system.doctor` reports. */
export type StoreSizes = NonNullable<OutputOf<"system.doctor">["sizes"]>;

/**
 * Count what the namespace holds, per store, through the storage port: sessions, each session's
 * messages (its log length) and live cache entries, memories, the memory-changes log's length and
 * groups. `null` when a read fails (a store too damaged to list): the doctor still answers, and its
 * store check says what is damaged.
 *
 * @example
 * const sizes = await storeSizes(backend, "default");
 * if (sizes) console.log(`${sizes.memories} memories, ${sizes.messages} messages`);
 */
export async function storeSizes(backend: MemoryBackend, namespace: string): Promise<StoreSizes | null> {
  try {
    const sizes: StoreSizes = {
      sessions: 0,
      messages: 0,
      cache: 0,
      memories: 0,
      memoryChanges: 0,
      groups: 0,
    };
    const ids: string[] = [];
    for await (const record of allRecords(backend, sessionsScope(namespace))) ids.push(record.key);
    sizes.sessions = ids.length;
    for (let i = 0; i < ids.length; i += SIZE_BATCH) {
      const slice = ids.slice(i, i + SIZE_BATCH);
      const lengths = await backend.batch(
        slice.map((id) => ({ op: "logLength" as const, scope: messagesScope(namespace, id) })),
      );
      for (const n of lengths) sizes.messages += n as number;
      for (const id of slice) {
        for await (const _ of allRecords(backend, cacheScope(namespace, id))) sizes.cache++;
      }
    }
    for await (const _ of allRecords(backend, memoriesScope(namespace))) sizes.memories++;
    for await (const _ of allRecords(backend, groupsScope(namespace))) sizes.groups++;
    // Entries held, not the last seq: a compacted log keeps its counter but not the trimmed entries.
    const changes = memoryChangesScope(namespace);
    const [length, first] = (await backend.batch([
      { op: "logLength", scope: changes },
      { op: "readLog", scope: changes, options: { limit: 1 } },
    ])) as [number, LogEntry[]];
    sizes.memoryChanges = first[0] ? length - first[0].seq + 1 : 0;
    return sizes;
  } catch {
    return null;
  }
}

/** Sessions whose log lengths travel in one batch. */
const SIZE_BATCH = 100;
