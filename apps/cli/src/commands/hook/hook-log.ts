import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";

/** The hook's log grows to this size, then starts over (the previous one kept as `hook.log.1`). */
export const HOOK_LOG_MAX_BYTES = 1 << 20;

/** One thing a hook run reports: on stderr as a line, in the log as a JSON line. */
export interface HookLogEntry {
  level: "error" | "warning";
  /** An error code (`VALIDATION_FAILED`, `BACKEND_UNAVAILABLE`…) for errors. */
  code?: string;
  message: string;
}

/**
 * Append what a hook run reported to `<workspace>/.tta/logs/hook.log`, one JSON line per entry
 * (`at`, `agent`, `event`, `level`, `code`, `message`, `ms`): the agent shows a successful hook's
 * stderr only in its verbose mode, so this is where a user finds out why nothing was recorded.
 * Only inside a workspace that has a `.tta/` folder; never throws (a log that cannot be written must
 * not break the hook).
 */
export function writeHookLog(
  workspace: string,
  run: { agent: string; event: string | null; ms: number },
  entries: readonly HookLogEntry[],
): void {
  if (entries.length === 0) return;
  try {
    const tta = join(workspace, ".tta");
    if (!existsSync(tta)) return;
    const dir = join(tta, "logs");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "hook.log");
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    if (size > HOOK_LOG_MAX_BYTES) {
      try {
        renameSync(file, `${file}.1`);
      } catch {
        // another run started it over a moment ago
      }
    }
    const at = new Date().toISOString();
    const lines = entries.map(
      (e) =>
        `${JSON.stringify({
          at,
          agent: run.agent.slice(0, 32),
          event: run.event,
          level: e.level,
          ...(e.code ? { code: e.code } : {}),
          message: e.message.slice(0, 2000),
          ms: Math.round(run.ms),
        })}\n`,
    );
    appendFileSync(file, lines.join(""));
  } catch {
    // the log is a convenience: stderr has said it already
  }
}
