import { readFileSync } from "node:fs";
import { hasErrorCode, toIso } from "@tta-dev/core";
import { isMissing, writeFileAtomic } from "../fs-utils.js";
import { type BadEntry, type GroupsDoc, parseGroupsFile } from "../groups/groups-format.js";
import { compactJson, type DocLayout } from "../json-scan.js";
import type { FileCheck, FileChecker, StoreFile } from "./check-types.js";
import { appendToSideFile, SIDE_SUFFIX } from "./side-file.js";

type Read = { text: string; doc: GroupsDoc } | { problem: { line?: number; reason: string } } | null;

function read(path: string): Read {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (isMissing(e)) return null;
    throw e;
  }
  try {
    return { text, doc: parseGroupsFile(path, text) };
  } catch (e) {
    if (!hasErrorCode(e, "BACKEND_CORRUPT")) throw e;
    const details = e.details as { line?: number; reason?: string };
    return {
      problem: {
        ...(details.line !== undefined ? { line: details.line } : {}),
        reason: details.reason ?? e.message,
      },
    };
  }
}

/**
 * The text without the entries at `drop` (indexes of the groups array): everything else, the kept
 * entries and the separators between them, stays byte for byte.
 */
export function withoutEntries(text: string, layout: DocLayout, drop: ReadonlySet<number>): string {
  const all = layout.elements;
  const kept = all.filter((_, i) => !drop.has(i));
  if (kept.length === all.length) return text;
  if (kept.length === 0) return text.slice(0, layout.arrayOpen + 1) + text.slice(layout.arrayClose);
  const sep = all.length > 1 ? text.slice(all[0]!.end, all[1]!.start) : ", ";
  return (
    text.slice(0, all[0]!.start) +
    kept.map((e) => text.slice(e.start, e.end)).join(sep) +
    text.slice(all.at(-1)!.end)
  );
}

function cost(b: BadEntry, side: string): string {
  const who =
    b.key === undefined
      ? "an entry without a usable group_id is skipped by reads"
      : `group ${JSON.stringify(b.key)} is skipped by lists, and reading or writing it fails BACKEND_CORRUPT`;
  return `${b.reason}: ${who}; writes keep the entry as it is, repair moves it to ${side}`;
}

/**
 * `session_groups.json`: a file that is not JSON (or whose top level is wrong) is one problem that
 * only a hand can fix; each entry that fails validation is a problem `repair` fixes by moving the
 * entry to `session_groups.json.corrupt` and cutting it out of the file, leaving every other byte.
 */
export const groupsChecker: FileChecker = {
  inspect(file: StoreFile): FileCheck {
    const r = read(file.path);
    if (r === null) return { problems: [], movable: [] };
    if ("problem" in r) {
      return {
        problems: [
          {
            kind: "corrupt-file",
            place: file.place,
            ...(r.problem.line !== undefined ? { line: r.problem.line } : {}),
            message: `${r.problem.reason}; no group of this namespace reads or writes until the file is fixed by hand`,
            repairable: false,
          },
        ],
        movable: [],
      };
    }
    const side = `${file.place}${SIDE_SUFFIX}`;
    return {
      problems: r.doc.bad.map((b) => ({
        kind: "corrupt-entry",
        place: file.place,
        line: b.line,
        message: cost(b, side),
        repairable: true,
      })),
      movable: r.doc.bad.map((b) => b.line),
    };
  },

  repair(file, ctx) {
    return ctx.locks.withLockSync(`${file.path}.lock`, () => {
      const r = read(file.path);
      if (r === null || "problem" in r || r.doc.bad.length === 0) return [];
      const { text, doc } = r;
      appendToSideFile(
        file.path,
        file.place,
        doc.bad.map((b) => ({ line: b.line, reason: b.reason, bytes: compactJson(text, b.start, b.end) })),
        toIso(ctx.clock.now()),
        ctx.durability === "fsync",
      );
      const next = withoutEntries(text, doc.layout, new Set(doc.bad.map((b) => b.index)));
      writeFileAtomic(file.path, next, ctx.durability === "fsync");
      return doc.bad.map((b) => b.line);
    });
  },
};
