import { readFile, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { PAF_LOOKUP_ORDER, PafFileNotFoundError, PafParseError } from "@tta-dev/core";
import { DEFAULT_MAX_CHARS, parsePafDocument } from "./parse.js";
import type { PafDocument, ParsePafOptions } from "./types.js";

/** The lookup order is core's, so that `tta init` checks the same places; re-exported for this package's users. */
export { PAF_LOOKUP_ORDER };

/** Options shared by the functions that find and load a PAF document. */
export interface LoadPafsOptions extends Omit<ParsePafOptions, "file"> {
  /** Workspace root (default `process.cwd()`). */
  root?: string;
  /** The configured `pafPath` (relative to root or absolute); when set, nothing else is tried. */
  pafPath?: string;
}

/** A found PAF document: its absolute path and the name recorded in facts (relative to root). */
export interface PafLocation {
  path: string;
  file: string;
  mtimeMs: number;
  size: number;
}

/**
 * Find the PAF document: the configured `pafPath`, else the first of {@link PAF_LOOKUP_ORDER} that
 * exists under the root. Fails `PAF_FILE_NOT_FOUND` listing every place it looked.
 *
 * @example
 * const { path } = await findPafFile({ root: process.cwd() });
 */
export async function findPafFile(
  options: Pick<LoadPafsOptions, "root" | "pafPath"> = {},
): Promise<PafLocation> {
  const root = resolve(options.root ?? process.cwd());
  const candidates = options.pafPath ? [options.pafPath] : PAF_LOOKUP_ORDER;
  const searched: string[] = [];
  for (const candidate of candidates) {
    const path = isAbsolute(candidate) ? candidate : join(root, candidate);
    searched.push(path);
    try {
      const st = await stat(path);
      if (st.isFile()) return { path, file: displayName(root, path), mtimeMs: st.mtimeMs, size: st.size };
    } catch {
      // not there: try the next place
    }
  }
  throw new PafFileNotFoundError(searched);
}

function displayName(root: string, path: string): string {
  const rel = relative(root, path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel.split(sep).join("/");
}

/**
 * Read a PAF document's text. Refuses files over the size limit before reading them, and binary
 * files, with `PAF_PARSE_ERROR`; strips a UTF-8 byte-order mark.
 */
export async function readPafText(location: PafLocation, maxChars = DEFAULT_MAX_CHARS): Promise<string> {
  if (location.size > maxChars * 3) {
    throw new PafParseError(
      `${location.file} is ${location.size} bytes; the limit is ${maxChars} characters. Split the registry or raise maxChars.`,
      { file: location.file, size: location.size, limit: maxChars },
    );
  }
  const buf = await readFile(location.path);
  if (buf.subarray(0, 8192).includes(0)) {
    throw new PafParseError(
      `${location.file} looks binary (it contains NUL bytes); a PAF document is markdown text.`,
      {
        file: location.file,
      },
    );
  }
  const text = buf.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A loaded PAF document: the parse result plus where it came from. */
export interface LoadedPafDocument extends PafDocument {
  /** Absolute path of the document. */
  path: string;
}

/**
 * Find, read and parse the workspace's PAF document.
 *
 * @example
 * const { facts, problems } = await loadPafs({ root: process.cwd() });
 */
export async function loadPafs(options: LoadPafsOptions = {}): Promise<LoadedPafDocument> {
  const location = await findPafFile(options);
  const text = await readPafText(location, options.maxChars);
  const doc = await parsePafDocument(text, { ...options, file: location.file });
  return { ...doc, path: location.path };
}
