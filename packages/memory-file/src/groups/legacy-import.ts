import { readFileSync, statSync } from "node:fs";
import {
  checkNamespace,
  groupsScope,
  hasErrorCode,
  isSafeId,
  type MemoryBackend,
  type Session,
  sessionsScope,
  ValidationError,
} from "@tta-dev/core";
import { sessionFor } from "./groups-file.js";
import { legacySessions, parseGroupsFile } from "./groups-format.js";

/** A `session_groups.json` larger than this is refused before it is read. */
export const MAX_LEGACY_GROUPS_BYTES = 64 * 2 ** 20;

/** Options of {@link importLegacyGroups}. */
export interface LegacyGroupsImportOptions {
  /** Target namespace. */
  namespace: string;
  /** Check the file and count what would be imported; write nothing. */
  dryRun?: boolean;
}

/** What {@link importLegacyGroups} did (or, with `dryRun`, would do). */
export interface LegacyGroupsReceipt {
  namespace: string;
  /** The file's format version. */
  version: "1.0" | "2.0";
  dryRun: boolean;
  imported: { groups: string[]; sessions: string[] };
  /** Already in the target (kept as they are there). */
  skipped: { groups: string[]; sessions: string[] };
  /** Session ids the groups name that cannot be keys (`../x`): listed in their groups, never created. */
  unsafe: string[];
}

/**
 * Import a `session_groups.json` of the original implementation (version 1.0, or 2.0) into any
 * backend: its groups, and a session record (active, created with its first group) for every session
 * id a group names that the target lacks, as the file backend does when it upgrades such a file in
 * place. The whole file is checked first: invalid JSON, an unknown version or any entry that fails
 * validation is `VALIDATION_FAILED` naming its line, and nothing is written. Records are created with
 * `ifVersion: 0`, so what the target holds is kept and a re-run (after a crash too) only adds what is
 * missing.
 *
 * @example
 * const receipt = await importLegacyGroups(backend, "old/.tta/session_groups.json", { namespace: "default" });
 */
export async function importLegacyGroups(
  backend: MemoryBackend,
  file: string,
  options: LegacyGroupsImportOptions,
): Promise<LegacyGroupsReceipt> {
  const namespace = checkNamespace(options.namespace);
  const doc = parseLegacy(file, readLegacyFile(file));
  const bad = doc.bad[0];
  if (bad) {
    throw new ValidationError(
      `${file}, line ${bad.line}, column ${bad.column}: ${bad.reason}. Nothing was imported; fix or remove that group.`,
      {
        file,
        line: bad.line,
        column: bad.column,
        issues: [{ path: `groups.${bad.index}`, message: bad.reason }],
      },
    );
  }
  const receipt: LegacyGroupsReceipt = {
    namespace,
    version: doc.version,
    dryRun: options.dryRun ?? false,
    imported: { groups: [], sessions: [] },
    skipped: { groups: [], sessions: [] },
    unsafe: [],
  };
  const sessions = [...legacySessions(doc)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const groups = [...doc.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [id] of groups) {
    if (!isSafeId(id)) {
      throw new ValidationError(
        `${file}: group id ${JSON.stringify(id)} cannot be a key. Nothing was imported.`,
        {
          file,
          issues: [{ path: "groups", message: `unsafe group id ${JSON.stringify(id)}` }],
        },
      );
    }
  }
  const sessionScope = sessionsScope(namespace);
  const groupScope = groupsScope(namespace);
  // Sessions first: a group never names a session the target lacks, whenever the import stops.
  for (const [id, createdAt] of sessions) {
    if (!isSafeId(id)) {
      receipt.unsafe.push(id);
      continue;
    }
    const wrote = await create(backend, options.dryRun, sessionScope, id, sessionValue(id, createdAt));
    (wrote ? receipt.imported : receipt.skipped).sessions.push(id);
  }
  for (const [id, entry] of groups) {
    const wrote = await create(backend, options.dryRun, groupScope, id, JSON.parse(entry.json));
    (wrote ? receipt.imported : receipt.skipped).groups.push(id);
  }
  return receipt;
}

/** The parsed file; what the file backend would call corrupt is, as an import's input, invalid. */
function parseLegacy(file: string, text: string): ReturnType<typeof parseGroupsFile> {
  try {
    return parseGroupsFile(file, text);
  } catch (error) {
    if (!hasErrorCode(error, "BACKEND_CORRUPT")) throw error;
    const details = error.details as { line?: number; column?: number; reason?: string };
    throw new ValidationError(
      `${file}${details.line !== undefined ? `, line ${details.line}, column ${details.column}` : ""}: ${details.reason}. Nothing was imported.`,
      {
        file,
        line: details.line,
        column: details.column,
        issues: [{ path: "(file)", message: String(details.reason) }],
      },
    );
  }
}

function readLegacyFile(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new ValidationError(`Cannot read ${file}: ${(error as Error).message}`, { file });
  }
  if (size > MAX_LEGACY_GROUPS_BYTES) {
    throw new ValidationError(
      `${file} is ${size} bytes; a session_groups.json of at most ${MAX_LEGACY_GROUPS_BYTES} bytes is imported.`,
      { file, size, max: MAX_LEGACY_GROUPS_BYTES },
    );
  }
  return readFileSync(file, "utf8");
}

/** The session record the file backend creates for an id a 1.0 file names (its version is the store's). */
function sessionValue(id: string, createdAt: string): Omit<Session, "version"> {
  const { version: _, ...value } = sessionFor(id, createdAt);
  return value;
}

/** Create `key` unless the target holds it; true when it was (or, dry, would be) created. */
async function create(
  backend: MemoryBackend,
  dryRun: boolean | undefined,
  scope: ReturnType<typeof sessionsScope>,
  key: string,
  value: unknown,
): Promise<boolean> {
  if (dryRun) return (await backend.get(scope, key)) === null;
  try {
    await backend.put(scope, key, value, { ifVersion: 0 });
    return true;
  } catch (error) {
    if (hasErrorCode(error, "VERSION_CONFLICT")) return false;
    throw error;
  }
}
