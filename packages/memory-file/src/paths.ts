import { join } from "node:path";
import { DEFAULT_NAMESPACE, encodeSegment, type Scope } from "@tta-dev/core";

/** The fixed name of the groups file. */
export const GROUPS_FILE = "session_groups.json";

/**
 * Where everything lives under the root (`.tta/`). Every name is fixed or the output of
 * `encodeSegment` (only `[A-Za-z0-9_%-]`), so no input can reach a path separator or `..`.
 *
 * ```
 * <root>/session_groups.json                       groups of the default namespace
 * <root>/locks/<pid>-<thread>-<nonce>              one owner file per open backend (lock holder id)
 * <root>/ns/<ns>/session_groups.json               groups of another namespace
 * <root>/ns/<ns>/rec/<collection>.jsonl            records of a scope without partition
 * <root>/ns/<ns>/rec/<collection>/<partition>.jsonl
 * <root>/ns/<ns>/log/<collection>.jsonl            a log without partition
 * <root>/ns/<ns>/log/<collection>/<partition>.jsonl
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
}

/** The layout under `root`. */
export function createLayout(root: string): Layout {
  const namespaceDir = (namespace: string) => join(root, "ns", encodeSegment(namespace));
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
          : join(dir, kind, scope.collection, `${encodeSegment(scope.partition)}.jsonl`);
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
  };
}
