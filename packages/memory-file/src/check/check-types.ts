import type { StoreProblem } from "@tta-dev/core";
import type { JournalContext } from "../journal/record-journal.js";

/** What inspecting one file found, and which of its lines `repair` would move. */
export interface FileCheck {
  problems: StoreProblem[];
  /** 1-based lines (entries of the groups file: the line each starts on) that would move. */
  movable: number[];
}

/** One data file of the store as inspection sees it. */
export interface StoreFile {
  path: string;
  /** Relative to the store's root, with `/`. */
  place: string;
}

/** Inspect and repair of one kind of data file. */
export interface FileChecker {
  /** Read the file (without a lock: inspection never writes) and list what is damaged. */
  inspect(file: StoreFile, ctx: JournalContext): FileCheck;
  /** Under the file's lock: move every movable piece into the side file; returns the lines moved. */
  repair(file: StoreFile, ctx: JournalContext): number[];
}
