import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type NodeChild, type NodeChildExit, spawnNode, TS_SOURCE_ARGS } from "@tta-dev/testkit/node";

const SRC_BIN = fileURLToPath(new URL("../src/bin.ts", import.meta.url));

/** The built binary, when `dist/bin.js` exists (after `tsc -b`). */
export const DIST_BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/**
 * The node arguments that run `tta`: the built `dist/bin.js` when `useDist` and it exists, else the
 * TypeScript sources through tsx (with the `source` export condition).
 */
export function ttaCommand(useDist = false): string[] {
  if (useDist && existsSync(DIST_BIN)) return [DIST_BIN];
  return [...TS_SOURCE_ARGS, SRC_BIN];
}

export type ChildResult = NodeChildExit;

/** Spawn `tta argv…` (async, so several can run at once); `waitFor` matches what it writes on stdout. */
export function spawnTta(
  argv: string[],
  options: { cwd: string; env?: Record<string, string>; input?: string; useDist?: boolean },
): {
  child: NodeChild["child"];
  done: Promise<ChildResult>;
  waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
} {
  const run = spawnNode([...ttaCommand(options.useDist), ...argv], {
    source: false,
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", ...options.env },
    input: options.input ?? "",
  });
  return {
    child: run.child,
    done: run.exited,
    waitFor: (pattern) => run.waitFor(pattern, { stream: "stdout" }),
  };
}
