import { commandChecker } from "./command.js";
import { fileExistsChecker } from "./file-exists.js";
import { maxLinesChecker } from "./max-lines.js";
import { minCoverageChecker } from "./min-coverage.js";
import { noDependencyChecker } from "./no-dependency.js";
import { runtimeVersionChecker } from "./runtime-version.js";
import type { Checker } from "./types.js";

/** The checkers (docs/domain.md#paf-checks), by name. */
export const CHECKERS: ReadonlyMap<string, Checker> = new Map(
  [
    maxLinesChecker,
    minCoverageChecker,
    runtimeVersionChecker,
    fileExistsChecker,
    noDependencyChecker,
    commandChecker,
  ].map((c) => [c.name, c]),
);

/** The checker with this name, or `undefined`. */
export function getChecker(name: string): Checker | undefined {
  return CHECKERS.get(name);
}
