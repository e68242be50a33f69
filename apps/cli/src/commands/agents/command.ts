import { closeSync, existsSync, openSync, readFileSync, readSync, realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InternalError } from "@tta-dev/core";

/** The program and arguments a client starts. */
export interface Launcher {
  command: string;
  args: string[];
}

/** Decides whether the `tta` a client would find on PATH is the CLI at `binPath` (injectable for tests). */
export type TtaOnPath = (binPath: string, env: Readonly<Record<string, string | undefined>>) => boolean;

/**
 * The absolute path of this CLI's `bin.js`: the `bin.tta` of the `@tta-dev/cli` package.json found
 * upwards from this module (from `src/`, `dist/` and the bundle in `dist/bundle/` alike).
 */
export function cliBinPath(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; bin?: { tta?: string } };
      if (pkg.name === "@tta-dev/cli") return join(dir, pkg.bin?.tta ?? "dist/bin.js");
    }
    const parent = dirname(dir);
    if (parent === dir) throw new InternalError("The package.json of @tta-dev/cli was not found", { from });
    dir = parent;
  }
}

function real(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** The first bytes of a file, as text (a shim script is short; a binary is not read whole). */
function head(path: string, bytes = 65_536): string {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.toString("utf8", 0, readSync(fd, buffer, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether the first `tta` on PATH (POSIX lookup: the first executable file named `tta`, relative
 * entries skipped because a client does not start in this folder) runs the CLI at `binPath`: a link
 * to it (npm's global install), or a shell shim that execs it (pnpm's, `"$basedir/…/bin.js"`).
 */
export function ttaOnPath(binPath: string, env: Readonly<Record<string, string | undefined>>): boolean {
  const target = real(binPath);
  if (!target) return false;
  for (const dir of (env.PATH ?? "").split(":")) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, "tta");
    const stat = statSync(candidate, { throwIfNoEntry: false });
    if (!stat?.isFile() || (stat.mode & 0o111) === 0) continue;
    if (real(candidate) === target) return true;
    const text = head(candidate);
    if (!text.startsWith("#!")) return false;
    for (const m of text.matchAll(/["']([^"'\n]*bin\.js)["']/g)) {
      const named = m[1]!.replace(/^\$\{?basedir\}?(?=\/)/, dirname(candidate));
      if (real(resolve(dirname(candidate), named)) === target) return true;
    }
    return false;
  }
  return false;
}

/** What the launcher of an entry depends on. */
export interface LauncherContext {
  binPath: string;
  execPath: string;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  ttaOnPath: TtaOnPath;
}

/**
 * How a client starts this CLI: `tta` when the client sees the shell's PATH and the `tta` there is
 * this CLI; otherwise this Node (`process.execPath`) with the absolute path of this `bin.js`, which
 * also works from a local install and for desktop apps that do not see the shell's PATH. On Windows
 * always the latter: `tta` there is a `.cmd` shim, which clients cannot start without a shell.
 */
export function launcher(ctx: LauncherContext, shellPath: boolean, args: string[]): Launcher {
  if (shellPath && ctx.platform !== "win32" && ctx.ttaOnPath(ctx.binPath, ctx.env)) {
    return { command: "tta", args };
  }
  return { command: ctx.execPath, args: [ctx.binPath, ...args] };
}
