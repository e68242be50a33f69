import {
  type MemoryBackend,
  resolveLimits,
  toTtaError,
  ValidationError,
  WORKFLOW_STAGES,
} from "@tta-dev/core";
import { loadConfig, openBackend } from "@tta-dev/runtime";
import { handlersContext, operationCaller, storeFlags, workflowHandlers } from "../../handlers.js";
import type { CliIo } from "../../io.js";
import type { Invocation } from "../../program.js";
import type { RunOptions } from "../../run.js";
import { type HookEnv, type HookOptions, handleClaudeCodeEvent } from "./claude-code.js";
import { CLAUDE_CODE_EVENTS, parseEvent, readEventText } from "./event.js";
import { GENERIC_EVENTS, handleGenericEvent, parseGenericEvent } from "./generic.js";
import { type HookLogEntry, writeHookLog } from "./hook-log.js";
import type { SessionNaming } from "./names.js";

/** The agents `tta hook` speaks for. */
export const HOOK_AGENTS = ["claude-code", "generic"] as const;

/** Everything a hook run must finish within, start-up aside (a hook must never stall the agent). */
export const DEFAULT_HOOK_TIMEOUT_MS = 800;

/** `tta hook <agent>` as parsed from the command line. */
export type HookInvocation = Extract<Invocation, { kind: "hook" }>;

class HookTimeout extends Error {}

function hookOptions(invocation: HookInvocation): HookOptions & { timeoutMs: number } {
  if (!(HOOK_AGENTS as readonly string[]).includes(invocation.agent)) {
    throw new ValidationError(
      `tta hook: unknown agent ${JSON.stringify(invocation.agent)}; known: ${HOOK_AGENTS.join(", ")}.`,
      { issues: [{ path: "agent", message: "unknown agent" }] },
    );
  }
  const known: readonly string[] = invocation.agent === "generic" ? GENERIC_EVENTS : CLAUDE_CODE_EVENTS;
  const events = new Set<string>();
  const asked = invocation.events
    ?.split(",")
    .map((e) => e.trim())
    .filter(Boolean) ?? [...known];
  for (const e of asked) {
    if (!known.includes(e)) {
      throw new ValidationError(`--events: unknown event ${JSON.stringify(e)}; known: ${known.join(", ")}.`, {
        issues: [{ path: "--events", message: "unknown event" }],
      });
    }
    events.add(e);
  }
  const stage = (invocation.stage ?? "understand").toLowerCase();
  if (!(WORKFLOW_STAGES as readonly string[]).includes(stage)) {
    throw new ValidationError(`--stage must be one of ${WORKFLOW_STAGES.join(", ")}.`, {
      issues: [{ path: "--stage", message: "unknown stage" }],
    });
  }
  const number = (value: string | undefined, fallback: number, flag: string, min: number, max: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new ValidationError(`${flag} must be an integer from ${min} to ${max}.`, {
        issues: [{ path: flag, message: "out of range" }],
      });
    }
    return n;
  };
  const naming: SessionNaming = {};
  if (invocation.component !== undefined) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(invocation.component) || invocation.component.length > 60) {
      throw new ValidationError(
        "--component must be lower-case words joined by - (e.g. user-prefs), at most 60 characters.",
        {
          issues: [{ path: "--component", message: "not a name component" }],
        },
      );
    }
    naming.component = invocation.component;
  }
  if (invocation.purpose !== undefined) {
    if (!/^[a-z0-9]{1,40}$/.test(invocation.purpose)) {
      throw new ValidationError(
        "--purpose must be one lower-case word of letters and digits (e.g. feature), at most 40.",
        {
          issues: [{ path: "--purpose", message: "not a name purpose" }],
        },
      );
    }
    naming.purpose = invocation.purpose;
  }
  return {
    naming,
    events,
    completeOnEnd: invocation.completeOnEnd === true,
    defaultStage: stage,
    timeoutMs: number(invocation.timeoutMs, DEFAULT_HOOK_TIMEOUT_MS, "--timeout-ms", 50, 60_000),
    maxContextChars: number(invocation.maxContextChars, 10_000, "--max-context-chars", 500, 1_000_000),
  };
}

async function work(
  invocation: HookInvocation,
  io: CliIo,
  options: RunOptions,
  opened: { backend?: MemoryBackend; root?: string; event?: string },
  started: number,
  warn: (message: string) => void,
) {
  const hook = hookOptions(invocation);
  // The event is read and checked before any store is opened: a bad event stores nothing.
  const raw = await readEventText(io.stdin);
  const event = invocation.agent === "generic" ? parseGenericEvent(raw) : parseEvent(raw);
  opened.event = event.event;
  if (!hook.events.has(event.event)) return { stdout: "", stored: 0 };
  const g = invocation.globals;
  const resolved = await loadConfig(io.cwd, io.env, storeFlags(g));
  opened.root = resolved.root;
  const limits = resolveLimits(resolved.config.limits);
  const backend = await (options.backendFactory ?? openBackend)(resolved);
  opened.backend = backend;
  const handlers = await (options.handlersFactory ?? workflowHandlers)(
    handlersContext(resolved, backend, limits),
  );
  const env: HookEnv = {
    call: operationCaller(resolved, handlers),
    limits,
    now: () => Date.now(),
    // Half the time is for storing the transcript; the rest for answering and closing the store.
    deadline: started + hook.timeoutMs / 2,
    cwd: io.cwd,
    warn,
  };
  return "agent" in event ? handleGenericEvent(env, hook, event) : handleClaudeCodeEvent(env, hook, event);
}

/**
 * `tta hook <agent>`: handle one hook event from stdin. Never in the agent's way: whatever happens it
 * exits 0; stdout carries only the event's documented output; every problem goes to stderr as
 * `tta hook: error CODE: message`; it gives up after `--timeout-ms` (default 800 ms), storing nothing
 * more.
 */
export async function hookCommand(
  invocation: HookInvocation,
  io: CliIo,
  options: RunOptions,
): Promise<number> {
  const opened: { backend?: MemoryBackend; root?: string; event?: string } = {};
  const reported: HookLogEntry[] = [];
  const warn = (message: string) => {
    reported.push({ level: "warning", message });
    io.stderr.write(`tta hook: warning: ${message}\n`);
  };
  const fail = (code: string, message: string) => {
    reported.push({ level: "error", code, message });
    io.stderr.write(`tta hook: error ${code}: ${message}\n`);
  };
  let timeoutMs = DEFAULT_HOOK_TIMEOUT_MS;
  try {
    timeoutMs = hookOptions(invocation).timeoutMs;
  } catch {
    // reported by work() below
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HookTimeout()), timeoutMs);
  });
  const started = Date.now();
  try {
    const outcome = await Promise.race([work(invocation, io, options, opened, started, warn), deadline]);
    if (outcome.stdout) io.stdout.write(outcome.stdout);
    return 0;
  } catch (error) {
    if (error instanceof HookTimeout) {
      fail(
        "BACKEND_UNAVAILABLE",
        `gave up after ${timeoutMs} ms (the store did not answer in time, or is locked); this event was not recorded, or only in part.`,
      );
    } else {
      const e = toTtaError(error);
      fail(e.code, e.message);
    }
    return 0;
  } finally {
    clearTimeout(timer);
    writeHookLog(
      opened.root ?? io.cwd,
      { agent: invocation.agent, event: opened.event ?? null, ms: Date.now() - started },
      reported,
    );
    const backend = opened.backend;
    if (backend) {
      const left = Math.max(50, timeoutMs + 150 - (Date.now() - started));
      await Promise.race([backend.close().catch(() => {}), new Promise((r) => setTimeout(r, left).unref())]);
    }
  }
}
