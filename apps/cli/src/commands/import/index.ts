import { basename, resolve } from "node:path";
import { type MemoryBackend, NotSupportedError, resolveLimits } from "@tta-dev/core";
import { loadConfig, openBackend } from "@tta-dev/runtime";
import { ephemeralBackend } from "../../ephemeral.js";
import { handlersContext, operationCaller, storeFlags, workflowHandlers } from "../../handlers.js";
import type { CliIo } from "../../io.js";
import type { OutputMode } from "../../output.js";
import type { Invocation } from "../../program.js";
import type { RunOptions } from "../../run.js";
import type { HookEnv } from "../hook/claude-code.js";
import { type ImportSummary, importTranscript } from "./import-transcript.js";
import { createProgress, silentProgress } from "./progress.js";

/** `tta import …` as parsed from the command line. */
export type ImportInvocation = Extract<Invocation, { kind: "import"; what: "transcript" }>;

const REASONS: Record<keyof ImportSummary["skippedBy"], string> = {
  notJson: "not JSON",
  tooLong: "over the line limit",
  notUtf8: "not valid UTF-8",
  notMessage: "not a message of the format",
};

function skippedText(s: ImportSummary): string {
  const by = Object.entries(s.skippedBy)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n} ${REASONS[reason as keyof typeof REASONS]}`)
    .join(", ");
  const more = s.skipped > s.skippedLines.length ? ", …" : "";
  return `skipped ${s.skipped} line(s) of ${s.file}: ${by} (line ${s.skippedLines.join(", ")}${more})`;
}

function summaryText(s: ImportSummary): string {
  const skipped = `${s.skipped} line${s.skipped === 1 ? "" : "s"} skipped`;
  if (s.messages === 0) return `imported 0 messages: the file holds none (${skipped})\n`;
  return `imported ${s.imported} message${s.imported === 1 ? "" : "s"} into ${s.sessions.join(", ")} (${s.existing} already there, ${skipped})\n`;
}

/**
 * `tta import transcript <file> [--session S]`: import a Claude Code transcript or a generic JSONL
 * of messages (see the README), printing a summary; progress on stderr when it is a terminal.
 */
export async function importCommand(
  invocation: ImportInvocation,
  io: CliIo,
  mode: OutputMode,
  options: RunOptions,
): Promise<number> {
  const g = invocation.globals;
  const resolved = await loadConfig(io.cwd, io.env, storeFlags(g));
  const ephemeral = ephemeralBackend(resolved);
  if (ephemeral) {
    throw new NotSupportedError(
      `The ${ephemeral} backend keeps data only inside one process, and tta import exits when it is done: what it imports would be lost. Use a persistent backend (file, the default; redis; keyv with keyv.url).`,
      { backend: resolved.backend },
    );
  }
  const limits = resolveLimits(resolved.config.limits);
  const backend: MemoryBackend = await (options.backendFactory ?? openBackend)(resolved);
  let summary: ImportSummary;
  try {
    const handlers = await (options.handlersFactory ?? workflowHandlers)(
      handlersContext(resolved, backend, limits),
    );
    const env: HookEnv = {
      call: operationCaller(resolved, handlers),
      limits,
      now: () => Date.now(),
      cwd: io.cwd,
      warn: (message) => io.stderr.write(`tta: warning: ${message}\n`),
    };
    const file = resolve(io.cwd, invocation.file);
    const label = basename(file);
    const progress = (size: number) =>
      io.stderr.isTTY && !mode.quiet && !mode.json ? createProgress(io.stderr, label, size) : silentProgress;
    summary = await importTranscript(env, {
      file,
      ...(invocation.session !== undefined ? { session: invocation.session } : {}),
      progress,
    });
  } finally {
    await backend.close();
  }
  if (summary.skipped > 0 && !mode.quiet) {
    const message = skippedText(summary);
    if (mode.json)
      io.stderr.write(
        `${JSON.stringify({ warning: { message, details: { skippedBy: summary.skippedBy, skippedLines: summary.skippedLines } } })}\n`,
      );
    else io.stderr.write(`tta: warning: ${message}\n`);
  }
  if (mode.json) io.stdout.write(`${JSON.stringify(summary)}\n`);
  else if (!mode.quiet) io.stdout.write(summaryText(summary));
  return 0;
}
