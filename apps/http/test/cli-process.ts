import { fileURLToPath } from "node:url";
import { cleanEnv, runNode } from "@tta-dev/testkit/node";

/** The `tta` command line of the monorepo, run from its TypeScript sources. */
const CLI_BIN = fileURLToPath(new URL("../../cli/src/bin.ts", import.meta.url));

/** What one `tta` process did. */
export interface CliProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `tta …` as a real child process in `cwd` (stdin closed) and collect what it printed. */
export async function runCliProcess(args: readonly string[], cwd: string): Promise<CliProcessResult> {
  const { code, stdout, stderr } = await runNode([CLI_BIN, ...args], {
    cwd,
    env: cleanEnv({ NO_COLOR: "1" }),
  });
  return { code, stdout, stderr };
}
