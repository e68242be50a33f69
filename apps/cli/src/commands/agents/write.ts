import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { ErrorCode, TtaError, ValidationError } from "@tta-dev/core";

/** The file changed between reading and replacing it: the other writer's version is kept. */
export class ConfigChangedError extends TtaError {
  constructor(file: string) {
    super(ErrorCode.VERSION_CONFLICT, `${file} changed while tta was updating it; run the command again`, {
      file,
    });
  }
}

/** A configuration file about to be merged: where it is, where its bytes really live, what it holds. */
export interface ConfigTarget {
  /** The path the client reads. */
  file: string;
  /** Where the bytes are written: `file` with every symbolic link resolved. */
  real: string;
  /** True when `file` itself is a symbolic link (then its target is written, and the link stays). */
  symlink: boolean;
  /** The text it holds now, `undefined` when there is no file yet. */
  existing?: string;
  /** Its permission bits, kept on the new file. */
  mode?: number;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** `path` with its nearest existing folder resolved (the rest does not exist yet). */
function resolvedAbsent(path: string): string {
  const rest: string[] = [];
  let dir = path;
  while (!existsSync(dir)) {
    rest.unshift(basename(dir));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (!statSync(dir).isDirectory()) {
    throw new ValidationError(`${dir} is not a folder, so ${path} cannot be created`, { file: path });
  }
  return join(realpathSync(dir), ...rest);
}

/** `lstat` of a path, `undefined` when there is nothing there (a file in place of a folder too). */
function linkStat(path: string) {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOTDIR") return undefined;
    throw error;
  }
}

/**
 * Look at `file` before merging into it. A symbolic link is followed (its target is what gets
 * written; the link stays a link); a dangling one is refused. With `within`, the file must stay
 * inside that folder once every link is resolved, so a link in a checked-out repository cannot make
 * tta write elsewhere. Anything but a regular UTF-8 text file is refused with `VALIDATION_FAILED`.
 */
export function openTarget(file: string, within?: string): ConfigTarget {
  const link = linkStat(file);
  let real: string;
  if (!link) real = resolvedAbsent(file);
  else {
    try {
      real = realpathSync(file);
    } catch {
      const to = link.isSymbolicLink() ? readlinkSync(file) : file;
      throw new ValidationError(`${file} is a symbolic link to ${to}, which does not exist`, {
        file,
        target: to,
      });
    }
  }
  if (within !== undefined && !inside(realpathSync(within), real)) {
    throw new ValidationError(
      `${file} leads to ${real}, outside the workspace ${within} (a symbolic link); tta does not write there`,
      { file, target: real },
    );
  }
  const stat = statSync(real, { throwIfNoEntry: false });
  if (stat && !stat.isFile()) throw new ValidationError(`${file} is not a regular file`, { file });
  let existing: string | undefined;
  if (stat) {
    try {
      existing = UTF8.decode(readFileSync(real));
    } catch {
      throw new ValidationError(`${file} is not UTF-8 text; tta leaves it as it is`, { file });
    }
  }
  return {
    file,
    real,
    symlink: link?.isSymbolicLink() ?? false,
    ...(existing !== undefined ? { existing } : {}),
    ...(stat ? { mode: stat.mode & 0o7777 } : {}),
  };
}

function readNow(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Replace the file of `target` by `text` atomically: written and synced to a temporary file beside
 * it (its folders created), then renamed over it, so a reader sees the old file or the new one,
 * never half of one. The permission bits of the old file are kept. When the file changed since
 * `openTarget` read it, nothing is replaced ({@link ConfigChangedError}).
 */
export function writeTarget(target: ConfigTarget, text: string): void {
  const dir = dirname(target.real);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(target.real)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fd = openSync(temp, "wx", target.mode ?? 0o666);
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (target.mode !== undefined) chmodSync(temp, target.mode);
    if (readNow(target.real) !== target.existing) throw new ConfigChangedError(target.file);
    renameSync(temp, target.real);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
