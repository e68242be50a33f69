import { closeSync, constants, fstatSync } from "node:fs";
import { toIso } from "@tta-dev/core";
import { openExisting, readAt, writeFileAtomic } from "../fs-utils.js";
import type { BadLine } from "../journal/journal-damage.js";
import { emptyJournalState, type JournalState, readJournalLines } from "../journal/journal-lines.js";
import type { FileCheck, FileChecker, StoreFile } from "./check-types.js";
import { appendToSideFile, SIDE_SUFFIX } from "./side-file.js";

/** The whole journal as read now (every value parsed), with its bytes; `null` when it does not exist. */
function load(path: string): { state: JournalState; bytes: Buffer } | null {
  const fd = openExisting(path, constants.O_RDONLY);
  if (fd === null) return null;
  try {
    const size = fstatSync(fd).size;
    const state = emptyJournalState();
    readJournalLines(fd, state, size, true);
    return { state, bytes: readAt(fd, 0, size) };
  } finally {
    closeSync(fd);
  }
}

/** What a bad line costs, in words. */
function cost(b: BadLine, s: JournalState, now: number, side: string): string {
  if (b.key === undefined) {
    return `${b.reason}; the record on this line cannot be recognised, so what it held is lost (an earlier version of that record may read instead); repair moves the line to ${side}`;
  }
  const k = JSON.stringify(b.key);
  const d = s.damaged.get(b.key);
  if (!d || d.line !== b.line) {
    return `${b.reason} (record ${k}); a later line of the record supersedes it, so nothing is lost; repair moves it to ${side}`;
  }
  const fallback = d.fallback;
  const after =
    fallback === null || (fallback.expiresAt !== null && fallback.expiresAt <= now)
      ? `${k} is then absent`
      : `${k} then reads as its earlier version ${fallback.version}`;
  return `${b.reason}: record ${k} is damaged, reading it fails BACKEND_CORRUPT (lists skip it) until the line is superseded by a write or moved to ${side} by repair; ${after}`;
}

/**
 * Record journals: every complete line that fails its checksum, shape or value is a problem that
 * `repair` can fix by moving the line to `<journal>.corrupt` and rewriting the journal atomically
 * without it. Every other byte is copied as it was, so each good record keeps its value and version.
 */
export const journalChecker: FileChecker = {
  inspect(file, ctx): FileCheck {
    const loaded = load(file.path);
    if (!loaded) return { problems: [], movable: [] };
    const side = `${file.place}${SIDE_SUFFIX}`;
    const now = ctx.clock.now();
    const bad = loaded.state.bad;
    return {
      problems: bad.map((b) => ({
        kind: "corrupt-line",
        place: file.place,
        line: b.line,
        message: cost(b, loaded.state, now, side),
        repairable: true,
      })),
      movable: bad.map((b) => b.line),
    };
  },

  repair(file: StoreFile, ctx) {
    return ctx.locks.withLockSync(`${file.path}.lock`, () => {
      const loaded = load(file.path);
      if (!loaded || loaded.state.bad.length === 0) return [];
      const { bytes, state } = loaded;
      const kept: Buffer[] = [];
      let from = 0;
      for (const b of state.bad) {
        kept.push(bytes.subarray(from, b.offset));
        from = b.offset + b.length;
      }
      kept.push(bytes.subarray(from)); // good lines after the last bad one, and a torn tail as it is
      appendToSideFile(
        file.path,
        file.place,
        state.bad.map((b) => ({
          line: b.line,
          offset: b.offset,
          reason: b.reason,
          bytes: bytes.subarray(b.offset, b.offset + b.length - 1),
        })),
        toIso(ctx.clock.now()),
        ctx.durability === "fsync",
      );
      writeFileAtomic(file.path, Buffer.concat(kept), ctx.durability === "fsync");
      return state.bad.map((b) => b.line);
    });
  },
};
