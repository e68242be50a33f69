import { closeSync, constants, fdatasyncSync, fstatSync, ftruncateSync, unlinkSync } from "node:fs";
import { toIso } from "@tta-dev/core";
import { isMissing, openExisting, readAt } from "../fs-utils.js";
import { NEWLINE } from "../line-codec.js";
import { type LogChain, scanLogChain, tailFaults } from "../log/log-chain.js";
import type { FileCheck, FileChecker } from "./check-types.js";
import { appendToSideFile, type SetAside, SIDE_SUFFIX } from "./side-file.js";

function withLog<T>(path: string, flags: number, fn: (fd: number, size: number) => T): T | null {
  const fd = openExisting(path, flags);
  if (fd === null) return null;
  try {
    return fn(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

/** Lines from the first that cannot be trusted at the end of the log to the end of the file. */
function tailLines(chain: LogChain): number[] {
  if (tailFaults(chain).length === 0) return [];
  return Array.from({ length: chain.lines - chain.committedLines }, (_, i) => chain.committedLines + 1 + i);
}

/**
 * Logs: a line that does not read, a value that does not parse, and a line that does not continue
 * the seqs are problems. Only an end that cannot be trusted (every line after the last one that
 * continues the seqs) can be moved aside; a damaged line in the middle would need the seqs after it
 * renumbered, so it is reported as not repairable.
 */
export const logChecker: FileChecker = {
  inspect(file): FileCheck {
    return (
      withLog(file.path, constants.O_RDONLY, (fd, size) => {
        const chain = scanLogChain(fd, size, true);
        const movable = tailLines(chain);
        const side = `${file.place}${SIDE_SUFFIX}`;
        return {
          problems: chain.faults.map((f) => {
            const repairable = !f.inChain && f.offset >= chain.committedEnd;
            const message = repairable
              ? `${f.reason}; the log's end cannot be trusted: reading and appending fail BACKEND_CORRUPT until repair moves lines ${movable[0]}-${movable.at(-1)} to ${side} (the log then ends at seq ${chain.lastSeq})`
              : `${f.reason}; reads that cross this line fail BACKEND_CORRUPT, other ranges and appends work; it cannot be moved without renumbering the seqs after it`;
            return {
              kind: f.kind === "seq" ? "seq-gap" : "corrupt-line",
              place: file.place,
              line: f.line,
              message,
              repairable,
            };
          }),
          movable,
        };
      }) ?? { problems: [], movable: [] }
    );
  },

  repair(file, ctx) {
    return ctx.locks.withLockSync(`${file.path}.lock`, () => {
      const moved = withLog(file.path, constants.O_RDWR, (fd, size) => {
        const chain = scanLogChain(fd, size, false);
        const lines = tailLines(chain);
        if (lines.length === 0) return [];
        const tail = readAt(fd, chain.committedEnd, size - chain.committedEnd);
        const faults = new Map(chain.faults.map((f) => [f.line, f.reason]));
        const pieces: SetAside[] = [];
        let start = 0;
        for (const line of lines) {
          const nl = tail.indexOf(NEWLINE, start);
          pieces.push({
            line,
            offset: chain.committedEnd + start,
            reason: faults.get(line) ?? "after the last line that continues the seqs",
            bytes: tail.subarray(start, nl),
          });
          start = nl + 1;
        }
        if (start < tail.length) {
          pieces.push({
            line: lines.at(-1)! + 1,
            offset: chain.committedEnd + start,
            reason: "incomplete last line",
            bytes: tail.subarray(start),
            incomplete: true,
          });
        }
        appendToSideFile(file.path, file.place, pieces, toIso(ctx.clock.now()), ctx.durability === "fsync");
        // Cutting the end is one system call, like the cut of a torn tail before an append.
        ftruncateSync(fd, chain.committedEnd);
        if (ctx.durability === "fsync") fdatasyncSync(fd);
        return pieces.map((p) => p.line);
      });
      if (moved && moved.length > 0) {
        // The key index is derived data and may point into what was moved: rebuilt on next use.
        try {
          unlinkSync(`${file.path}.keys`);
        } catch (e) {
          if (!isMissing(e)) throw e;
        }
      }
      return moved ?? [];
    });
  },
};
