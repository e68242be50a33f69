import { readFile } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";
import { hasErrorCode, Paf } from "@tta-dev/core";
import {
  findPafFile,
  type LoadedPafDocument,
  type LoadPafsOptions,
  type PafLocation,
  readPafText,
} from "./locate.js";
import { parsePafDocument } from "./parse.js";
import { writeFileAtomic } from "./snapshot-file.js";
import type { PafProblem, StatedTotal } from "./types.js";

/** Bumped whenever the parser's output changes, so old cache files are ignored. */
export const PARSER_VERSION = 2;

/** Where the workflow gets its facts: loaded once, re-read only when the document changes. */
export interface PafSource {
  /** The facts of the current document (all statuses; filter on `status` for active ones). */
  load(): Promise<Paf[]>;
  /**
   * When the last `load` found no document (an optional source): the places it looked in, relative
   * to the workspace root; otherwise `undefined`.
   */
  missing?(): readonly string[] | undefined;
}

/** Options of {@link createPafSource}. */
export interface PafSourceOptions extends LoadPafsOptions {
  /**
   * A JSON file that keeps the parse result between processes (e.g. `.tta/paf-cache.json`): when
   * the document's path, mtime and size match, the markdown parser is not even loaded.
   */
  cacheFile?: string;
  /** Return no facts, instead of failing `PAF_FILE_NOT_FOUND`, when there is no document. */
  optional?: boolean;
}

/** A {@link PafSource} that also exposes the whole parse result. */
export interface CachedPafSource extends PafSource {
  /** The parse result with the document's path, or `undefined` when `optional` and there is none. */
  document(): Promise<LoadedPafDocument | undefined>;
}

interface CacheEntry {
  v: number;
  path: string;
  mtimeMs: number;
  size: number;
  doc: LoadedPafDocument;
}

/**
 * Create a PAF source over the workspace's document. Each `load()` stats the file (lookup order of
 * docs/domain.md#paf-lookup) and parses again only when its mtime or size changed; with `cacheFile` the parse result
 * also survives the process.
 *
 * @example
 * const source = createPafSource({ root: process.cwd(), cacheFile: ".tta/paf-cache.json", optional: true });
 * const active = (await source.load()).filter((p) => p.status === "active");
 */
export function createPafSource(options: PafSourceOptions = {}): CachedPafSource {
  let memo: CacheEntry | undefined;
  const fresh = (e: CacheEntry | undefined, at: PafLocation): e is CacheEntry =>
    e !== undefined &&
    e.v === PARSER_VERSION &&
    e.path === at.path &&
    e.mtimeMs === at.mtimeMs &&
    e.size === at.size;

  let searched: string[] | undefined;

  async function document(): Promise<LoadedPafDocument | undefined> {
    let at: PafLocation;
    try {
      at = await findPafFile(options);
      searched = undefined;
    } catch (e) {
      if (options.optional && hasErrorCode(e, "PAF_FILE_NOT_FOUND")) {
        const root = resolve(options.root ?? process.cwd());
        searched = ((e.details.searched ?? []) as string[]).map((p) => displayPath(root, p));
        return undefined;
      }
      throw e;
    }
    if (fresh(memo, at)) return memo.doc;
    if (options.cacheFile) {
      const disk = await readCache(options.cacheFile);
      if (fresh(disk, at)) {
        memo = disk;
        return disk.doc;
      }
    }
    const text = await readPafText(at, options.maxChars);
    const parsed = await parsePafDocument(text, { ...options, file: at.file });
    memo = {
      v: PARSER_VERSION,
      path: at.path,
      mtimeMs: at.mtimeMs,
      size: at.size,
      doc: { ...parsed, path: at.path },
    };
    if (options.cacheFile)
      await writeFileAtomic(options.cacheFile, JSON.stringify(memo)).catch(() => undefined);
    return memo.doc;
  }

  return {
    document,
    missing: () => searched,
    async load() {
      const doc = await document();
      return doc ? [...doc.facts] : [];
    },
  };
}

/** `p` relative to `root` with `/`, or `p` itself when it lies outside. */
function displayPath(root: string, p: string): string {
  const rel = relative(root, p);
  return rel.startsWith("..") || isAbsolute(rel) ? p : rel.split(sep).join("/");
}

/** A cache file's entry, or `undefined` when it is missing or not a valid entry (it is only a cache). */
async function readCache(file: string): Promise<CacheEntry | undefined> {
  try {
    const raw = JSON.parse(await readFile(file, "utf8")) as CacheEntry;
    if (raw?.v !== PARSER_VERSION || typeof raw.path !== "string" || !raw.doc) return undefined;
    const facts = Paf.array().safeParse(raw.doc.facts);
    if (!facts.success || !Array.isArray(raw.doc.problems) || !Array.isArray(raw.doc.statedTotals))
      return undefined;
    return {
      ...raw,
      doc: {
        file: String(raw.doc.file),
        path: String(raw.doc.path),
        facts: facts.data,
        problems: raw.doc.problems as PafProblem[],
        statedTotals: raw.doc.statedTotals as StatedTotal[],
      },
    };
  } catch {
    return undefined;
  }
}
