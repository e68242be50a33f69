import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { guardSync } from "./fs-utils.js";
import { openGroupsFile } from "./groups/groups-file.js";
import { type JournalContext, openRecordJournal } from "./journal/record-journal.js";
import type { Layout } from "./paths.js";
import { GROUPS_FILE } from "./paths.js";

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else out.push(p);
  }
}

/**
 * Everything a namespace physically holds: `<file>#<key>` for each record still in a journal or
 * groups file (live or expired, not yet swept), the path of each non-empty log, and any other file
 * (a temp file, a lock) by its path. Paths are relative to the root, with `/`.
 */
export function listHeld(layout: Layout, namespace: string, ctx: JournalContext): string[] {
  return guardSync("rawKeys", () => {
    const files: string[] = [];
    const nsDir = layout.namespaceDir(namespace);
    if (existsSync(nsDir)) walk(nsDir, files);
    const groups = layout.groupsFile(namespace);
    if (!files.includes(groups) && existsSync(groups)) files.push(groups);
    const out: string[] = [];
    for (const file of files) {
      const rel = relative(layout.root, file).split(sep).join("/");
      const parts = rel.split("/");
      if (parts.at(-1) === GROUPS_FILE) {
        const g = openGroupsFile(file, ctx, () => undefined);
        for (const k of g.heldKeys()) out.push(`${rel}#${k}`);
      } else if (parts[2] === "rec" && rel.endsWith(".jsonl")) {
        const j = openRecordJournal(file, ctx);
        for (const k of j.heldKeys()) out.push(`${rel}#${k}`);
        j.close();
      } else if (parts[2] === "log" && rel.endsWith(".jsonl")) {
        if (statSync(file).size > 0) out.push(rel);
      } else out.push(rel);
    }
    return out.sort();
  });
}
