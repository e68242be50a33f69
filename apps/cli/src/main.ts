/**
 * The whole command line: what `bin.js` runs (unbundled, or as the bundle built from this entry).
 */
import { processIo } from "./io.js";
import { run } from "./run.js";

// `tta … | head` closes the pipe early: that is not an error of tta.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await run(process.argv.slice(2), processIo());
// A hook gives up on a store that does not answer; its reconnect timers must not keep the agent waiting.
if (process.argv[2] === "hook") process.stdout.write("", () => process.exit(process.exitCode ?? 0));
