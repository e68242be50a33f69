import { accessSync, constants } from "node:fs";
import {
  type AppendedEntry,
  type BackendCapabilities,
  BackendUnavailableError,
  type BatchRead,
  Collections,
  checkCondition,
  checkDerivedName,
  checkNamespace,
  type MemoryBackend,
  normalizeListOptions,
  normalizeReadLogOptions,
  type RawKeyListing,
  runBatchSequentially,
  type Scope,
  type StoreCheckOptions,
  type StoreInspection,
  type StoreRepair,
  serializeValueAt,
  sessionsScope,
  ValidationError,
  validateAppend,
  validateIfVersion,
  validateKey,
  validateScope,
  validateTrimSeq,
  validateTtl,
} from "@tta-dev/core";
import { inspectStore, repairStore } from "./check/store-check.js";
import { MAX_STORED_DEPTH, nestedTooDeep } from "./depth.js";
import { readDerivedFile, writeDerivedFile } from "./derived.js";
import { ensureDir, guard } from "./fs-utils.js";
import { openGroupsFile } from "./groups/groups-file.js";
import { createHandleCache } from "./handle-cache.js";
import { appendIfHeld, type ConditionJournal } from "./journal/conditional-append.js";
import {
  type JournalContext,
  type JournalFile,
  type LockedReads,
  openRecordJournal,
  type RecordJournal,
} from "./journal/record-journal.js";
import { createLockManager } from "./lock/lock.js";
import { type LogFile, openLogFile, type PreparedItem } from "./log/log-file.js";
import { type FileBackendOptions, resolveOptions } from "./options.js";
import { createLayout } from "./paths.js";
import { listHeld } from "./raw-keys.js";

/**
 * A value as JSON text, refused (`VALIDATION_FAILED`) when it nests deeper than this backend serves
 * ({@link MAX_STORED_DEPTH}): such a line would read back as corrupt.
 */
function serialize(value: unknown, path: string): string {
  const tooDeep = () => {
    const message = `nested more than ${MAX_STORED_DEPTH} levels deep`;
    return new ValidationError(`${path}: ${message}`, { issues: [{ path, message }] });
  };
  let json: string;
  try {
    json = serializeValueAt(value, path);
  } catch (e) {
    // `JSON.stringify` recurses: a value thousands of levels deep overflows its stack.
    if (e instanceof RangeError) throw tooDeep();
    throw e;
  }
  if (nestedTooDeep(json)) throw tooDeep();
  return json;
}

/** The file backend: the storage port plus what tests and tools may inspect. */
export interface FileBackend extends MemoryBackend, RawKeyListing {
  /** The store's directory. */
  readonly root: string;
  /**
   * What the store physically holds for a namespace: `<file>#<key>` per record still in a journal,
   * each non-empty log file, any other file; paths relative to the root, sorted.
   */
  rawKeys(namespace: string): Promise<string[]>;
  /**
   * Remove a log's entries before `beforeSeq`: the kept ones are rewritten after a marker line into a
   * temp file renamed over the log under its lock, so a crash leaves the old log or the trimmed one.
   */
  trimLog(scope: Scope, beforeSeq: number): Promise<number>;
  /**
   * Read every data file (of one namespace) and list each damaged line or entry: `place` relative
   * to the root, the 1-based line, what it costs and whether `repair` can move it.
   */
  inspect(options?: StoreCheckOptions): Promise<StoreInspection>;
  /**
   * Move damaged journal lines, untrustworthy log ends and bad group entries into side files
   * (`<file>.corrupt`) under each file's lock, touching no good line; `dryRun` only reports.
   */
  repair(options?: StoreCheckOptions & { dryRun?: boolean }): Promise<StoreRepair>;
}

/**
 * The embedded default backend: everything in files under `.tta/`, safe for several processes on
 * one machine (an agent, the CLI and the HTTP server) at once. Records live in append-only
 * journals per scope (the `groups` collection in `session_groups.json`), logs in append-only files
 * per scope; every read-modify-write holds a per-file lock that survives a killed holder.
 *
 * @example
 * const backend = createFileBackend({ root: ".tta", durability: "os" });
 * await backend.append(messagesScope("default", "api-debug-2025-10-28"), [{ value: { text: "hi" } }]);
 * await backend.close();
 */
export function createFileBackend(options: FileBackendOptions): FileBackend {
  const opts = resolveOptions(options);
  const layout = createLayout(opts.root);
  const locks = createLockManager({
    ownersDir: layout.locksDir,
    staleMs: opts.lockStaleMs,
    timeoutMs: opts.lockTimeoutMs,
  });
  const ctx: JournalContext = { clock: opts.clock, durability: opts.durability, locks };
  const journals = createHandleCache<RecordJournal & LockedReads>(opts.maxOpenFiles);
  const logs = createHandleCache<LogFile>(opts.maxOpenFiles);
  let closed = false;

  const capabilities: BackendCapabilities = Object.freeze({
    atomicCompareAndSet: true,
    crossProcess: true,
    nativeTtl: false,
    durability: opts.durability,
  });

  function open(): void {
    if (closed)
      throw new BackendUnavailableError("The file backend is closed.", { backend: "file", root: opts.root });
  }

  function sessionsJournal(namespace: string): JournalFile {
    const path = layout.recordsFile(sessionsScope(namespace));
    return journals.get(path, () => openRecordJournal(path, ctx)) as JournalFile;
  }

  /** The journal of a scope and its file. */
  function recordsAt(scope: Scope): ConditionJournal {
    open();
    validateScope(scope);
    if (scope.collection === Collections.groups && scope.partition === undefined) {
      const path = layout.groupsFile(scope.namespace);
      const journal = journals.get(path, () =>
        openGroupsFile(path, ctx, (sessions) => {
          sessionsJournal(scope.namespace).insertMissingSync(sessions);
        }),
      );
      return { journal, path };
    }
    const path = layout.recordsFile(scope);
    return { journal: journals.get(path, () => openRecordJournal(path, ctx)), path };
  }

  function records(scope: Scope): RecordJournal {
    return recordsAt(scope).journal;
  }

  function log(scope: Scope): LogFile {
    open();
    validateScope(scope);
    const path = layout.logFile(scope);
    return logs.get(path, () => openLogFile(path, ctx));
  }

  function prepare(items: unknown): PreparedItem[] {
    return validateAppend(items, serialize);
  }

  const backend: FileBackend = {
    name: "file",
    capabilities,
    root: opts.root,

    async get(scope, key) {
      const j = records(scope);
      validateKey(key);
      return guard("get", () => j.get(key));
    },

    async getMany(scope, keys) {
      const j = records(scope);
      keys.forEach((k, i) => {
        validateKey(k, `keys.${i}`);
      });
      return guard("getMany", () => j.getMany(keys));
    },

    async put(scope, key, value, putOptions = {}) {
      const j = records(scope);
      validateKey(key);
      validateIfVersion(putOptions.ifVersion);
      validateTtl(putOptions.ttlMs);
      const json = serialize(value, "value");
      return guard("put", () => j.put(key, json, putOptions.ifVersion, putOptions.ttlMs));
    },

    async delete(scope, key, deleteOptions = {}) {
      const j = records(scope);
      validateKey(key);
      validateIfVersion(deleteOptions.ifVersion);
      return guard("delete", () => j.delete(key, deleteOptions.ifVersion));
    },

    async list(scope, listOptions) {
      const j = records(scope);
      const normalized = normalizeListOptions(listOptions);
      return guard("list", () => j.list(normalized));
    },

    async clear(scope) {
      const j = records(scope);
      return guard("clear", () => j.clear());
    },

    async append(scope, items): Promise<AppendedEntry[]> {
      const l = log(scope);
      const prepared = prepare(items);
      return guard("append", () => l.append(prepared));
    },

    async appendIf(condition, scope, items) {
      checkCondition(condition);
      const held = recordsAt(condition.scope);
      validateKey(condition.key, "condition.key");
      const l = log(scope);
      const prepared = prepare(items);
      return guard("appendIf", () => appendIfHeld(locks, condition, held, l, prepared));
    },

    async readLog(scope, readOptions) {
      const l = log(scope);
      const range = normalizeReadLogOptions(readOptions);
      return guard("readLog", () => l.read(range));
    },

    async logLength(scope) {
      const l = log(scope);
      return guard("logLength", () => l.length());
    },

    async trimLog(scope, beforeSeq) {
      const l = log(scope);
      const before = validateTrimSeq(beforeSeq);
      return guard("trimLog", () => l.trim(before));
    },

    async deleteLog(scope) {
      const l = log(scope);
      return guard("deleteLog", () => l.remove());
    },

    batch: (reads: readonly BatchRead[]) => runBatchSequentially(backend, reads),

    async readDerived(namespace, name) {
      open();
      const path = layout.derivedFile(checkNamespace(namespace), checkDerivedName(name));
      return readDerivedFile(path);
    },

    async writeDerived(namespace, name, bytes) {
      open();
      const path = layout.derivedFile(checkNamespace(namespace), checkDerivedName(name));
      if (!(bytes instanceof Uint8Array)) {
        throw new ValidationError("bytes: must be a Uint8Array", {
          issues: [{ path: "bytes", message: "not bytes" }],
        });
      }
      await writeDerivedFile(path, bytes);
    },

    async ping() {
      open();
      guard("ping", () => {
        ensureDir(opts.root);
        accessSync(opts.root, constants.R_OK | constants.W_OK);
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      journals.closeAll();
      logs.closeAll();
      locks.close();
    },

    async rawKeys(namespace) {
      open();
      return listHeld(layout, namespace, ctx);
    },

    async inspect(checkOptions = {}) {
      open();
      return guard("inspect", () => inspectStore(layout, ctx, checkOptions.namespace));
    },

    async repair(repairOptions = {}) {
      open();
      return guard("repair", () => repairStore(layout, ctx, repairOptions));
    },
  };
  return backend;
}
