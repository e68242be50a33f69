import { createHash } from "node:crypto";
import { join } from "node:path";
import { DEFAULT_NAMESPACE, encodeSegment, type Scope } from "@tta-dev/core";

/** The fixed name of the groups file. */
export const GROUPS_FILE = "session_groups.json";

/**
 * Where everything lives under the root (`.tta/`). Every name is fixed or the output of
 * `encodeSegment` (only `[A-Za-z0-9_%-]`; see {@link segmentName} for very long ones), so no input
 * can reach a path separator or `..`.
 *
 * ```
 * <root>/session_groups.json                       groups of the default namespace
 * <root>/locks/<pid>-<thread>-<nonce>              one owner file per open backend (lock holder id)
 * <root>/ns/<ns>/session_groups.json               groups of another namespace
 * <root>/ns/<ns>/rec/<collection>.jsonl            records of a scope without partition
 * <root>/ns/<ns>/rec/<collection>/<partition>.jsonl
 * <root>/ns/<ns>/log/<collection>.jsonl            a log without partition
 * <root>/ns/<ns>/log/<collection>/<partition>.jsonl
 * <root>/derived/<ns>/<name>.bin                   derived data (a persisted search index)
 * ```
 * Beside each data file: `<file>.lock` while a writer holds it.
 */
export interface Layout {
  root: string;
  locksDir: string;
  namespaceDir(namespace: string): string;
  groupsFile(namespace: string): string;
  recordsFile(scope: Scope): string;
  logFile(scope: Scope): string;
  /** `name` must have passed `checkDerivedName`. */
  derivedFile(namespace: string, name: string): string;
}

/** Longest encoded segment used as a file name as it is (file systems allow 255 bytes). */
const MAX_NAME = 180;

/**
 * The file name of an encoded segment. A long one (an id full of escaped characters can triple in
 * length) becomes its first 100 characters, `~` and a SHA-256 prefix of the whole: `~` never occurs
 * in `encodeSegment` output, so such a name cannot collide with a short one.
 */
export function segmentName(segment: string): string {
  const enc = encodeSegment(segment);
  if (enc.length <= MAX_NAME) return enc;
  return `${enc.slice(0, 100)}~${createHash("sha256").update(enc).digest("hex").slice(0, 40)}`;
}

/** The layout under `root`. */
export function createLayout(root: string): Layout {
  const namespaceDir = (namespace: string) => join(root, "ns", segmentName(namespace));
  // Encoding runs per character on every call: remember recent paths.
  const memo = new Map<string, string>();
  const file = (kind: string, scope: Scope) => {
    const id = `${kind}\u0000${scope.namespace}\u0000${scope.collection}\u0000${scope.partition ?? ""}`;
    let path = memo.get(id);
    if (path === undefined) {
      const dir = namespaceDir(scope.namespace);
      path =
        scope.partition === undefined
          ? join(dir, kind, `${scope.collection}.jsonl`)
          : join(dir, kind, scope.collection, `${segmentName(scope.partition)}.jsonl`);
      if (memo.size >= 10_000) memo.clear();
      memo.set(id, path);
    }
    return path;
  };
  return {
    root,
    locksDir: join(root, "locks"),
    namespaceDir,
    groupsFile: (namespace) =>
      namespace === DEFAULT_NAMESPACE ? join(root, GROUPS_FILE) : join(namespaceDir(namespace), GROUPS_FILE),
    recordsFile: (scope) => file("rec", scope),
    logFile: (scope) => file("log", scope),
    derivedFile: (namespace, name) => join(root, "derived", segmentName(namespace), `${name}.bin`),
  };
}
