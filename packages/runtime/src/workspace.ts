import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The workspace root: the nearest folder from `cwd` upwards that holds `.tta/`, searching no higher
 * than the nearest folder holding `.git` (a repository is the outer bound); `cwd` when none does,
 * so that `tta` works in any folder with no setup.
 */
export function findWorkspaceRoot(cwd: string): string {
  let dir = cwd;
  for (;;) {
    if (isDir(join(dir, ".tta"))) return dir;
    if (existsSync(join(dir, ".git"))) return cwd;
    const parent = dirname(dir);
    if (parent === dir) return cwd;
    dir = parent;
  }
}

/** Where the configuration file of a workspace lives. */
export function configPath(root: string): string {
  return join(root, ".tta", "config.yaml");
}
