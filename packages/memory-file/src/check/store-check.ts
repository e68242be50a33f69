import { existsSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import {
  DEFAULT_NAMESPACE,
  type StoreInspection,
  type StoreProblem,
  type StoreRepair,
  validateScope,
} from "@tta-dev/core";
import type { JournalContext } from "../journal/record-journal.js";
import { GROUPS_FILE, type Layout, segmentName } from "../paths.js";
import { groupsChecker } from "./check-groups.js";
import { journalChecker } from "./check-journal.js";
import { logChecker } from "./check-log.js";
import type { FileChecker, StoreFile } from "./check-types.js";
import { SIDE_SUFFIX } from "./side-file.js";

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.isFile()) out.push(p);
  }
}

/**
 * The data files of the store (or of one namespace) with the checker of each: record journals
 * `ns/<ns>/rec/…jsonl`, logs `ns/<ns>/log/…jsonl` and the groups files. Lock, owner, temp, key index
 * and side files are not data: they are left out.
 */
export function storeFiles(layout: Layout, namespace?: string): (StoreFile & { checker: FileChecker })[] {
  const paths: string[] = [];
  const nsRoot = join(layout.root, "ns");
  if (namespace !== undefined) {
    const dir = layout.namespaceDir(namespace);
    if (existsSync(dir)) walk(dir, paths);
  } else if (existsSync(nsRoot)) walk(nsRoot, paths);
  const defaultGroups = layout.groupsFile(DEFAULT_NAMESPACE);
  if ((namespace === undefined || namespace === DEFAULT_NAMESPACE) && existsSync(defaultGroups))
    paths.push(defaultGroups);
  const out: (StoreFile & { checker: FileChecker })[] = [];
  for (const path of paths) {
    const place = relative(layout.root, path).split(sep).join("/");
    const parts = place.split("/");
    let checker: FileChecker | null = null;
    if (place === GROUPS_FILE) checker = groupsChecker;
    else if (parts[0] === "ns" && parts.length === 3 && parts[2] === GROUPS_FILE) {
      // The default namespace keeps its groups at the root; a file here would not be read.
      if (parts[1] !== segmentName(DEFAULT_NAMESPACE)) checker = groupsChecker;
    } else if (parts[0] === "ns" && place.endsWith(".jsonl") && !place.endsWith(SIDE_SUFFIX)) {
      if (parts[2] === "rec") checker = journalChecker;
      else if (parts[2] === "log") checker = logChecker;
    }
    if (checker) out.push({ path, place, checker });
  }
  return out.sort((a, b) => (a.place < b.place ? -1 : a.place > b.place ? 1 : 0));
}

function checkNamespace(namespace: string | undefined): void {
  if (namespace !== undefined) validateScope({ namespace, collection: "sessions" });
}

/** Read every data file (of one namespace) and list each damaged line or entry. */
export function inspectStore(layout: Layout, ctx: JournalContext, namespace?: string): StoreInspection {
  checkNamespace(namespace);
  const files = storeFiles(layout, namespace);
  const problems: StoreProblem[] = [];
  for (const f of files) problems.push(...f.checker.inspect(f, ctx).problems);
  return { checked: files.length, problems };
}

/**
 * Move what can be moved into side files, file by file under each file's lock; with `dryRun`, only
 * say what would move. `remaining` lists the problems left in place, as inspection words them.
 */
export function repairStore(
  layout: Layout,
  ctx: JournalContext,
  options: { namespace?: string; dryRun?: boolean },
): StoreRepair {
  checkNamespace(options.namespace);
  const dryRun = options.dryRun === true;
  const moved: StoreRepair["moved"] = [];
  const remaining: StoreProblem[] = [];
  for (const f of storeFiles(layout, options.namespace)) {
    const found = f.checker.inspect(f, ctx);
    if (found.problems.length === 0) continue;
    const lines = dryRun ? found.movable : f.checker.repair(f, ctx);
    if (lines.length > 0) moved.push({ place: f.place, lines, to: `${f.place}${SIDE_SUFFIX}` });
    // What is still wrong after the move (or, in a dry run, what a move would leave).
    const left = dryRun ? found.problems.filter((p) => !p.repairable) : f.checker.inspect(f, ctx).problems;
    remaining.push(...left);
  }
  return { dryRun, moved, remaining };
}
