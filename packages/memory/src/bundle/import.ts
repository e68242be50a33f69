import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { isDeepStrictEqual } from "node:util";
import { createGunzip } from "node:zlib";
import {
  AlreadyExistsError,
  BackendCorruptError,
  type CacheEntry,
  CacheKeyField,
  cacheScope,
  checkNamespace,
  type DeepMemory,
  groupsScope,
  IdempotencyKeyField,
  isSafeId,
  LimitExceededError,
  type LogEntry,
  type LogItem,
  type MemoryBackend,
  type MemoryChange,
  type Message,
  memoriesScope,
  memoryChangesScope,
  messagesScope,
  type Paf,
  parseStored,
  type Scope,
  type Session,
  SessionGroup,
  type StoredRecord,
  sessionsScope,
  ValidationError,
} from "@tta-dev/core";
import { toMemory, toMessage, toSession, withoutVersion } from "../records.js";
import { type BundleHeader, createBundleReader, MAX_BUNDLE_LINE_BYTES } from "./format.js";

/**
 * Where a bundle is read from: a file path (plain or gzip), or a function that opens it afresh each
 * time it is called. The bundle is read twice — once to check all of it, once to write — so a one-shot
 * stream is not enough. Chunks may be strings or bytes; lines end with `\n`.
 */
export type BundleSource =
  | string
  | (() => AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>);

export type ImportConflict = "skip" | "overwrite" | "fail";

export interface ImportOptions {
  /** Target namespace; default the bundle's. */
  namespace?: string;
  /** What to do with an entity the target holds with other content; default `skip`. */
  onConflict?: ImportConflict;
  /** Check the bundle and count what would be imported; write nothing. */
  dryRun?: boolean;
  /**
   * Clock (epoch ms) that turns a cache entry's `expiresAt` into the TTL it is written with. Pass the
   * target backend's clock and the entry keeps its exact `expiresAt`; on two clocks (or the system
   * clock, read again by the backend's put) it can land a few milliseconds later, since the port
   * takes a TTL, not an instant.
   */
  now?: () => number;
  /**
   * Stores one PAF of the bundle's snapshot (PAFs live in PAFCORE.md, not in the backend); returns
   * whether it was imported. Without it, PAFs are counted as skipped.
   */
  writePaf?: (paf: Paf) => Promise<boolean>;
  /**
   * Looks at one PAF of the snapshot during the check, before anything is written (`line` is its
   * bundle line): throw to refuse the bundle (a PAF conflict under `onConflict: "fail"`).
   */
  checkPaf?: (paf: Paf, line: number) => Promise<void> | void;
}

export interface ImportCounts {
  sessions: number;
  messages: number;
  cache: number;
  memories: number;
  groups: number;
  pafs: number;
}

/** What {@link importBundle} did (or, with `dryRun`, would do). */
export interface ImportReceipt {
  namespace: string;
  imported: ImportCounts;
  skipped: ImportCounts;
  dryRun: boolean;
}

/** Messages appended in one atomic `append` (a crash leaves all of a batch or none). */
const APPEND_BATCH = 200;
/** Log entries read at a time when comparing with what the target holds. */
const PAGE = 1000;
/**
 * The port cannot set a record's version; each put adds one. A record is written again until it
 * reaches the bundle's version, at most this many times; past it, it keeps the version it has.
 */
export const MAX_VERSION_REPLAY = 1000;

const zero = (): ImportCounts => ({ sessions: 0, messages: 0, cache: 0, memories: 0, groups: 0, pafs: 0 });

function refuse(line: number, message: string): ValidationError {
  return new ValidationError(`Bundle line ${line}: ${message}; nothing was imported.`, {
    line,
    issues: [{ path: `line ${line}`, message }],
  });
}

/** A file's bytes as they stream; a file that cannot be read fails `VALIDATION_FAILED`. */
async function* readFile(path: string): AsyncGenerator<Uint8Array> {
  try {
    yield* createReadStream(path) as AsyncIterable<Buffer>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== "string" || !/^E[A-Z]+$/.test(code)) throw error;
    throw new ValidationError(`source: cannot read the bundle file (${code})`, {
      code,
      issues: [{ path: "source", message: `cannot read the file (${code})` }],
    });
  }
}

function open(source: BundleSource): AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array> {
  if (typeof source === "string") return readFile(source);
  if (typeof source !== "function") {
    throw new ValidationError("source: a file path or a function that opens the bundle", {
      issues: [{ path: "source", message: "must be a file path or a function" }],
    });
  }
  return source();
}

/**
 * The lines of a bundle, without their newlines, in flat memory: a gzip stream (magic bytes 1f 8b) is
 * gunzipped as it streams; a line longer than {@link MAX_BUNDLE_LINE_BYTES} fails `LIMIT_EXCEEDED`
 * before it is held whole.
 */
export async function* bundleLines(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<string> {
  const it = (Symbol.asyncIterator in chunks ? chunks : Readable.from(chunks))[Symbol.asyncIterator]();
  // Enough of the start to see whether it is gzip.
  const head: (string | Uint8Array)[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 2) {
    const next = await it.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    if (typeof next.value === "string") break;
    headBytes += next.value.length;
  }
  async function* raw(): AsyncGenerator<string | Uint8Array> {
    yield* head;
    if (ended) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const bytes = head.every((c) => typeof c !== "string") ? Buffer.concat(head as Uint8Array[]) : null;
  const gzip = bytes !== null && bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  let lines = 0;
  let source: AsyncIterable<string | Uint8Array> = raw();
  if (gzip) {
    const gunzip = createGunzip();
    const input = Readable.from(raw());
    input.on("error", (error) => gunzip.destroy(error));
    source = input.pipe(gunzip);
  }
  const decoder = new StringDecoder("utf8");
  let pending = "";
  try {
    for await (const chunk of source) {
      pending += typeof chunk === "string" ? chunk : decoder.write(Buffer.from(chunk));
      let from = 0;
      let at = pending.indexOf("\n");
      while (at !== -1) {
        lines++;
        yield pending.slice(from, at);
        from = at + 1;
        at = pending.indexOf("\n", from);
      }
      pending = pending.slice(from);
      if (pending.length > MAX_BUNDLE_LINE_BYTES) {
        throw new LimitExceededError(
          `Bundle line ${lines + 1} is over ${MAX_BUNDLE_LINE_BYTES} bytes; nothing was imported.`,
          { line: lines + 1, limit: MAX_BUNDLE_LINE_BYTES },
        );
      }
    }
  } catch (error) {
    if (gzip && (error as { code?: string }).code?.startsWith("Z_")) {
      throw refuse(lines + 1, `not a readable gzip stream (${(error as Error).message})`);
    }
    throw error;
  } finally {
    // A refused line stops the reading: close the source (a file stream) there and then.
    if (source instanceof Readable) source.destroy();
    await it.return?.();
  }
  pending += decoder.end();
  if (pending.length > 0) yield pending;
}

interface Log {
  sessionId: string;
  scope: Scope;
  /** Entries the target log holds (plus those appended by this import). */
  length: number;
  /** Seq of the previous message of this session in the bundle. */
  lastSeq: number | null;
  pending: LogItem[];
  page: LogEntry[];
}

/** One pass over the bundle: with `write` false it only checks and counts; with `write` it writes. */
async function pass(
  backend: MemoryBackend,
  source: BundleSource,
  options: ImportOptions,
  write: boolean,
): Promise<ImportReceipt> {
  const onConflict = options.onConflict ?? "skip";
  const now = options.now ?? Date.now;
  const reader = createBundleReader();
  const imported = zero();
  const skipped = zero();
  let namespace = "";
  const sessions = new Set<string>();
  const logsSeen = new Set<string>();
  let log: Log | null = null;

  const conflict = (line: number, what: string): "skip" | "overwrite" => {
    if (onConflict === "fail") {
      throw new AlreadyExistsError(
        `Bundle line ${line}: ${what} is already in namespace "${namespace}" with other content; nothing was imported.`,
        { line, namespace },
      );
    }
    return onConflict;
  };

  async function flush(): Promise<void> {
    if (!log || log.pending.length === 0) return;
    const items = log.pending;
    log.pending = [];
    if (write) {
      const entries = await backend.append(log.scope, items);
      entries.forEach((entry, i) => {
        if (entry.duplicate || entry.seq !== log!.length + i + 1) {
          throw new AlreadyExistsError(
            `Session "${log!.sessionId}": the message of seq ${log!.length + i + 1} ${
              entry.duplicate
                ? `has the idempotency key of message ${entry.seq}`
                : "was taken by another writer"
            } during the import.`,
            { sessionId: log!.sessionId, seq: entry.seq },
          );
        }
      });
    }
    log.length += items.length;
    imported.messages += items.length;
  }

  async function entryAt(current: Log, seq: number): Promise<LogEntry | undefined> {
    let found = current.page.find((e) => e.seq === seq);
    if (!found) {
      current.page = await backend.readLog(current.scope, { afterSeq: seq - 1, limit: PAGE });
      found = current.page.find((e) => e.seq === seq);
    }
    return found;
  }

  async function message(m: Message, line: number): Promise<void> {
    if (!sessions.has(m.sessionId))
      throw refuse(line, `message of session "${m.sessionId}", not in the bundle`);
    if (m.idempotencyKey !== undefined && !IdempotencyKeyField.safeParse(m.idempotencyKey).success) {
      throw refuse(line, "message: idempotencyKey: invalid");
    }
    if (log?.sessionId !== m.sessionId) {
      await flush();
      if (logsSeen.has(m.sessionId))
        throw refuse(line, `messages of session "${m.sessionId}" are not together`);
      logsSeen.add(m.sessionId);
      const scope = messagesScope(namespace, m.sessionId);
      log = {
        sessionId: m.sessionId,
        scope,
        length: await backend.logLength(scope),
        lastSeq: null,
        pending: [],
        page: [],
      };
    }
    const current = log;
    if (current.lastSeq !== null && m.seq !== current.lastSeq + 1) {
      throw refuse(
        line,
        `message seq ${m.seq} of session "${m.sessionId}" does not follow seq ${current.lastSeq}`,
      );
    }
    current.lastSeq = m.seq;
    if (m.seq <= current.length) {
      const entry = await entryAt(current, m.seq);
      let same = false;
      try {
        same = entry !== undefined && isDeepStrictEqual(toMessage(namespace, m.sessionId, entry), m);
      } catch {
        same = false;
      }
      if (same) {
        skipped.messages++;
        return;
      }
      // A log is append-only: a message at a taken seq can be skipped, never overwritten.
      if (onConflict !== "skip") {
        throw new AlreadyExistsError(
          `Bundle line ${line}: session "${m.sessionId}" already holds another message at seq ${m.seq} (a log is append-only); nothing was imported.`,
          { line, namespace, sessionId: m.sessionId, seq: m.seq },
        );
      }
      skipped.messages++;
      return;
    }
    const next = current.length + current.pending.length + 1;
    if (m.seq !== next) {
      throw refuse(
        line,
        `message seq ${m.seq} of session "${m.sessionId}" would leave a gap: the log would hold ${next - 1} messages`,
      );
    }
    const value = { role: m.role, content: m.content, metadata: m.metadata, createdAt: m.createdAt };
    current.pending.push(
      m.idempotencyKey !== undefined ? { value, idempotencyKey: m.idempotencyKey } : { value },
    );
    if (current.pending.length >= APPEND_BATCH) await flush();
  }

  /**
   * One record: skipped when the target holds the same content at (at least) the bundle's version,
   * otherwise written (after `before`) and written again until it reaches the bundle's version.
   */
  async function record(args: {
    kind: keyof ImportCounts;
    what: string;
    line: number;
    scope: Scope;
    key: string;
    value: unknown;
    version: number | null;
    same: (existing: StoredRecord) => boolean;
    ttlMs?: () => number;
    before?: (base: number) => Promise<void>;
  }): Promise<void> {
    const existing = await backend.get(args.scope, args.key);
    let same = false;
    if (existing) {
      try {
        same = args.same(existing);
      } catch {
        same = false;
      }
      if (same && (args.version === null || existing.version >= args.version)) {
        skipped[args.kind]++;
        return;
      }
      if (!same && conflict(args.line, args.what) === "skip") {
        skipped[args.kind]++;
        return;
      }
    }
    imported[args.kind]++;
    if (!write) return;
    const ttl = () => (args.ttlMs ? { ttlMs: args.ttlMs() } : {});
    await args.before?.(existing?.version ?? 0);
    let version = existing?.version ?? 0;
    if (!same)
      version = (await backend.put(args.scope, args.key, args.value, { ifVersion: version, ...ttl() }))
        .version;
    const target = args.version ?? 0;
    for (let n = 0; version < target && n < MAX_VERSION_REPLAY; n++) {
      version = (await backend.put(args.scope, args.key, args.value, { ifVersion: version, ...ttl() }))
        .version;
    }
  }

  async function session(s: Session, line: number): Promise<void> {
    if (!isSafeId(s.id)) throw refuse(line, "session: id: not a safe id");
    sessions.add(s.id);
    const value = withoutVersion(s);
    await record({
      kind: "sessions",
      what: `session "${s.id}"`,
      line,
      scope: sessionsScope(namespace),
      key: s.id,
      value,
      version: s.version,
      same: (r) => isDeepStrictEqual(withoutVersion(toSession(namespace, r)), value),
    });
  }

  async function cache(e: CacheEntry, line: number): Promise<void> {
    if (!sessions.has(e.sessionId))
      throw refuse(line, `cache entry of session "${e.sessionId}", not in the bundle`);
    if (!CacheKeyField.safeParse(e.key).success) throw refuse(line, "cache: key: invalid");
    const expiresAt = Date.parse(e.expiresAt);
    if (!(expiresAt - now() >= 1)) {
      skipped.cache++; // expired since the export
      return;
    }
    const value = { value: e.value, createdAt: e.createdAt };
    await record({
      kind: "cache",
      what: `cache entry "${e.key}" of session "${e.sessionId}"`,
      line,
      scope: cacheScope(namespace, e.sessionId),
      key: e.key,
      value,
      version: e.version,
      same: (r) => isDeepStrictEqual(r.value, value),
      ttlMs: () => Math.max(1, expiresAt - now()),
    });
  }

  async function memory(m: DeepMemory, line: number): Promise<void> {
    const value = withoutVersion(m);
    await record({
      kind: "memories",
      what: `memory "${m.id}"`,
      line,
      scope: memoriesScope(namespace),
      key: m.id,
      value,
      version: m.version,
      same: (r) => isDeepStrictEqual(withoutVersion(toMemory(namespace, r)), value),
      // Announced before the write, as the memory store does, so other processes refresh their index.
      before: async (base) => {
        await backend.append(memoryChangesScope(namespace), [
          { value: { id: m.id, op: "put", base, at: now() } satisfies MemoryChange },
        ]);
      },
    });
  }

  async function group(g: SessionGroup, line: number): Promise<void> {
    if (!isSafeId(g.id)) throw refuse(line, "group: id: not a safe id");
    // A group's version is in its value: the record's own version is the store's business.
    await record({
      kind: "groups",
      what: `group "${g.id}"`,
      line,
      scope: groupsScope(namespace),
      key: g.id,
      value: g,
      version: null,
      same: (r) => isDeepStrictEqual(parseStored(SessionGroup, r.value, `groups/${r.key}`), g),
    });
  }

  for await (const text of bundleLines(open(source))) {
    const item = reader.line(text);
    const line = reader.lines;
    if (item.type === "header") {
      namespace = checkNamespace(options.namespace ?? (item as BundleHeader).namespace);
      continue;
    }
    if (item.type === "trailer") continue;
    if (item.type !== "message") await flush();
    switch (item.type) {
      case "session":
        await session(item.session, line);
        break;
      case "message":
        await message(item.message, line);
        break;
      case "cache":
        await cache(item.entry, line);
        break;
      case "memory":
        await memory(item.memory, line);
        break;
      case "group":
        await group(item.group, line);
        break;
      case "paf":
        if (!write) await options.checkPaf?.(item.paf, line);
        if (!options.writePaf) skipped.pafs++;
        else if (!write || (await options.writePaf(item.paf))) imported.pafs++;
        else skipped.pafs++;
        break;
    }
  }
  await flush();
  reader.end();
  if (!namespace) throw new BackendCorruptError("bundle without a namespace");
  return { namespace, imported, skipped, dryRun: !write };
}

/**
 * Import a bundle into a backend. The whole bundle is checked first (format version, every line,
 * counts and checksum, ids) and compared with what the target holds, without writing; a bad bundle,
 * or a conflict under `onConflict: "fail"`, is refused with its typed error naming the line and
 * nothing is written. Then it is read again and written: ids, message seqs and idempotency keys,
 * timestamps, and record versions (see the README, "Import", for what the port allows). What the
 * target already holds with the same content is skipped, so importing a bundle twice, or again after
 * an import that was killed, writes only what is missing.
 */
export async function importBundle(
  backend: MemoryBackend,
  source: BundleSource,
  options: ImportOptions = {},
): Promise<ImportReceipt> {
  const checked = await pass(backend, source, options, false);
  if (options.dryRun) return checked;
  return pass(backend, source, options, true);
}
