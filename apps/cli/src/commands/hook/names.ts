import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { MAX_SESSION_ID_LENGTH, parseSessionName } from "@tta-dev/core";

/** Lower-case words of `text` joined by `-`: `Feature/User_Prefs` → `feature-user-prefs`. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * The branch checked out in the repository holding `cwd`, read from `.git/HEAD` (a worktree's
 * `.git` file is followed); `null` outside a repository or on a detached HEAD. No process is started.
 */
export function gitBranch(cwd: string): string | null {
  let dir = resolve(cwd);
  for (let depth = 0; depth < 64; depth++) {
    const dotGit = join(dir, ".git");
    if (existsSync(dotGit)) {
      try {
        let gitDir = dotGit;
        if (statSync(dotGit).isFile()) {
          const line = readFileSync(dotGit, "utf8").match(/^gitdir:\s*(.+?)\s*$/m);
          if (!line) return null;
          gitDir = isAbsolute(line[1]!) ? line[1]! : resolve(dir, line[1]!);
        }
        const head = readFileSync(join(gitDir, "HEAD"), "utf8").match(/^ref:\s*refs\/heads\/(.+?)\s*$/);
        return head ? head[1]! : null;
      } catch {
        return null;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
  return null;
}

/** Parts of a session name given instead of derived (`tta hook --component … --purpose …`). */
export interface SessionNaming {
  component?: string;
  purpose?: string;
}

/** The date part of a session name: the UTC calendar date of `ms`. */
export function nameDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * A session name `{component}-{purpose}-{YYYY-MM-DD}` derived from the work in `cwd`:
 * a branch `type/name` gives `name-type` (`feature/user-prefs` → `user-prefs-feature-<date>`),
 * another branch `folder-branch`, no branch `folder-session`. `attempt` > 1 appends it to the
 * purpose (`user-prefs-feature2-<date>`) for a name another agent session already holds.
 */
export function sessionNameFor(
  cwd: string,
  ms: number,
  attempt = 1,
  branch = gitBranch(cwd),
  naming: SessionNaming = {},
): string {
  const folder = slug(basename(resolve(cwd))) || "work";
  let component: string;
  let purpose: string;
  const parts = branch?.split("/").filter(Boolean) ?? [];
  if (parts.length >= 2 && slug(parts.slice(1).join("-")) && slug(parts[0]!)) {
    component = slug(parts.slice(1).join("-"));
    purpose = slug(parts[0]!).replace(/-/g, "");
  } else if (parts.length === 1 && slug(parts[0]!)) {
    component = folder;
    purpose = slug(parts[0]!).replace(/-/g, "");
  } else {
    component = folder;
    purpose = "session";
  }
  if (naming.component) component = slug(naming.component) || component;
  if (naming.purpose) purpose = slug(naming.purpose).replace(/-/g, "") || purpose;
  if (attempt > 1) purpose = `${purpose}${attempt}`;
  const date = nameDate(ms);
  const room = MAX_SESSION_ID_LENGTH - date.length - purpose.length - 2;
  component = component.slice(0, Math.max(1, room)).replace(/-+$/, "") || "work";
  purpose = purpose.slice(0, 40) || "session";
  const name = `${component}-${purpose}-${date}`;
  // Always a name of the pattern: one segment of component is too few for it.
  return parseSessionName(name) ? name : `${component}-work-${purpose}-${date}`;
}
