import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { checkInputLimits, type Operation, type OutputOf, operations, parseInput } from "@tta-dev/contract";
import {
  hasErrorCode,
  type MemoryBackend,
  NotSupportedError,
  resolveLimits,
  toTtaError,
  ValidationError,
} from "@tta-dev/core";
import { doctorReport, loadConfig, openBackend, type ResolvedConfig } from "@tta-dev/runtime";
import { type Command, CommanderError } from "commander";
import { buildInput, cliNameOf } from "./build-input.js";
import type { TtaOnPath } from "./commands/agents/command.js";
import { formatDoctor } from "./commands/doctor.js";
import { initWorkspace } from "./commands/init.js";
import { mcp } from "./commands/mcp.js";
import { serve, ui } from "./commands/serve.js";
import { ephemeralBackend } from "./ephemeral.js";
import { exitCodeFor } from "./exit-codes.js";
import {
  callHandler,
  type HandlersFactory,
  handlersContext,
  storeFlags,
  workflowHandlers,
} from "./handlers.js";
import type { CliIo } from "./io.js";
import { type OutputMode, printError, toHuman, useColor, withProgress } from "./output.js";
import { buildProgram, type Invocation } from "./program.js";
import { cliVersion } from "./version.js";

/** Options of {@link run}: what tests and embedders replace. */
export interface RunOptions {
  /** Builds the handlers (default: `createHandlers` of `@tta-dev/workflow`). */
  handlersFactory?: HandlersFactory;
  /** Opens the backend (default: {@link openBackend}). */
  backendFactory?: (resolved: ResolvedConfig) => Promise<MemoryBackend>;
  /** The operating system `tta init --agent` writes for (default `process.platform`). */
  platform?: NodeJS.Platform;
  /** Whether the `tta` on PATH is this CLI (default: looked up on `io.env.PATH`). */
  ttaOnPath?: TtaOnPath;
}

/** The words of `argv` that name commands, as far as they do (`tta session lst` → `session`). */
function knownCommandPath(program: Command, argv: readonly string[]): string[] {
  const path: string[] = [];
  let at = program;
  for (const word of argv) {
    if (word.startsWith("-")) continue;
    const next = at.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    path.push(word);
    at = next;
  }
  return path;
}

/**
 * One rule for what commander reports: help that was asked for, or shown because a command needs a
 * subcommand (`tta`, `tta session`), exits 0; a usage error exits 2 with commander's did-you-mean and
 * the help of the deepest command that exists.
 */
function commanderExit(
  error: CommanderError,
  program: Command,
  argv: readonly string[],
  io: CliIo,
  mode: OutputMode,
): number {
  if (
    error.code === "commander.helpDisplayed" ||
    error.code === "commander.version" ||
    error.code === "commander.help"
  ) {
    return 0;
  }
  const [first, ...rest] = error.message.replace(/^error: /, "").split("\n");
  const suggestion = rest.map((l) => l.trim()).find((l) => l.startsWith("(Did you mean"));
  const path = knownCommandPath(program, argv);
  const help = `tta ${path.length ? `${path.join(" ")} ` : ""}--help`;
  printError(
    io.stderr,
    new ValidationError(`${first}${suggestion ? ` ${suggestion}` : ""} (see ${help})`, {
      reason: error.code,
      ...(suggestion ? { suggestion: suggestion.replace(/^\(Did you mean (.*)\?\)$/, "$1") } : {}),
    }),
    mode,
  );
  return exitCodeFor("VALIDATION_FAILED");
}

function parseForCli(
  invocation: Extract<Invocation, { kind: "operation" }>,
  raw: unknown,
  resolved: ResolvedConfig,
) {
  try {
    return parseInput(invocation.name, raw, { namingPolicy: resolved.namingPolicy });
  } catch (error) {
    if (!hasErrorCode(error, "VALIDATION_FAILED")) throw error;
    const issues = (error.details.issues ?? []) as { path: string; message: string }[];
    const text = issues
      .slice(0, 10)
      .map((i) => `${cliNameOf(invocation.binding, i.path.split(".")[0]!) ?? i.path}: ${i.message}`)
      .join("; ");
    throw new ValidationError(
      `Invalid input for tta ${invocation.binding.words.join(" ")}: ${text}`,
      error.details,
    );
  }
}

function exitFor(name: string, output: unknown, input: Record<string, unknown>): number {
  if (name === "paf.validate") {
    const { summary } = output as OutputOf<"paf.validate">;
    if (summary.errors > 0) return 2;
    if (summary.warnings > 0) return input.strict ? 2 : 1;
  }
  if (name === "system.doctor" && !(output as OutputOf<"system.doctor">).ok)
    return exitCodeFor("BACKEND_UNAVAILABLE");
  return 0;
}

async function human(
  name: string,
  output: unknown,
  input: Record<string, unknown>,
  resolved: ResolvedConfig,
): Promise<string> {
  if (name === "system.doctor") return formatDoctor(output as OutputOf<"system.doctor">, resolved);
  const rendered = (output as { rendered?: unknown } | null)?.rendered;
  if (typeof rendered === "string") return rendered.endsWith("\n") ? rendered : `${rendered}\n`;
  // --format json decides the format, with or without --json (context prints its loaded context).
  if (input.format === "json") {
    const shown = name === "context.load" ? (output as OutputOf<"context.load">).context : output;
    return `${JSON.stringify(shown, null, 2)}\n`;
  }
  return toHuman(output);
}

/** Warnings of the libraries (e.g. a session id that breaks the pattern under `warn`), on stderr. */
function warnings(io: CliIo, mode: OutputMode) {
  return {
    warn(message: string, details: Record<string, unknown> = {}) {
      if (mode.quiet) return;
      if (mode.json) io.stderr.write(`${JSON.stringify({ warning: { message, details } })}\n`);
      else io.stderr.write(`tta: ${mode.color ? "\x1b[33mwarning\x1b[0m" : "warning"}: ${message}\n`);
    },
  };
}

async function execute(
  invocation: Invocation,
  given: CliIo,
  mode: OutputMode,
  options: RunOptions,
): Promise<number> {
  const g = invocation.globals;
  // --workspace: everything (workspace search, relative paths) starts in that folder instead.
  const io = g.workspace === undefined ? given : { ...given, cwd: resolve(given.cwd, g.workspace) };
  if (g.workspace !== undefined && !existsSync(io.cwd)) {
    throw new ValidationError(`--workspace: ${io.cwd} does not exist.`, {
      issues: [{ path: "--workspace", message: "no such folder" }],
    });
  }
  if (invocation.kind === "serve") return serve(invocation, io);
  if (invocation.kind === "ui") return ui(invocation, io);
  if (invocation.kind === "mcp") return mcp(invocation, io);
  if (invocation.kind === "hook") {
    const { hookCommand } = await import("./commands/hook/index.js");
    return hookCommand(invocation, io, options);
  }
  if (invocation.kind === "export") {
    const { exportCommand } = await import("./commands/bundle.js");
    return exportCommand(invocation, io, mode, options);
  }
  if (invocation.kind === "import" && invocation.what === "groups") {
    const { importGroupsCommand } = await import("./commands/bundle.js");
    return importGroupsCommand(invocation, io, mode, options);
  }
  if (invocation.kind === "import" && invocation.what === "bundle") {
    const { importBundleCommand } = await import("./commands/bundle.js");
    return importBundleCommand(invocation, io, mode, options);
  }
  if (invocation.kind === "import") {
    const { importCommand } = await import("./commands/import/index.js");
    return importCommand(invocation, io, mode, options);
  }
  if (
    invocation.kind === "init" &&
    (invocation.agent ?? invocation.print ?? invocation.tools) !== undefined
  ) {
    // Registering with a coding agent needs no configuration nor store, and works before `tta init`.
    const { agentInit } = await import("./commands/agents/index.js");
    return agentInit(invocation, io, mode, {
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.ttaOnPath ? { ttaOnPath: options.ttaOnPath } : {}),
    });
  }
  const resolved = await loadConfig(io.cwd, io.env, storeFlags(g));
  if (invocation.kind === "init") {
    const result = initWorkspace(io.cwd, existsSync);
    if (mode.json) io.stdout.write(`${JSON.stringify(result)}\n`);
    else if (!mode.quiet) io.stdout.write(await toHuman(result));
    return 0;
  }
  const op = operations[invocation.name] as unknown as Operation;
  const ephemeral = ephemeralBackend(resolved);
  if (ephemeral && op.http.scope === "write") {
    throw new NotSupportedError(
      `The ${ephemeral} backend keeps data only inside one process, and tta ${invocation.binding.words.join(" ")} exits when it is done: what it writes would be lost. Use a persistent backend (file, the default; redis; keyv with keyv.url), or tta serve, whose process keeps the data while it runs.`,
      { backend: resolved.backend, operation: op.name },
    );
  }
  const limits = resolveLimits(resolved.config.limits);
  const raw = await buildInput(op, invocation.binding, invocation.args, invocation.flags, io, limits);
  // A person reads the rendering; --json gets the operation's own default.
  if (!mode.json && raw.format === undefined && (op.name === "context.load" || op.name === "paf.validate")) {
    raw.format = op.name === "context.load" ? "markdown" : "text";
  }
  const input = parseForCli(invocation, raw, resolved) as Record<string, unknown>;
  checkInputLimits(invocation.name, input, resolved.config.limits);

  const backend = await (options.backendFactory ?? openBackend)(resolved);
  let output: unknown;
  try {
    if (op.name === "system.doctor")
      output = await doctorReport(resolved, backend, { version: cliVersion() });
    else {
      const handlers = await (options.handlersFactory ?? workflowHandlers)(
        handlersContext(resolved, backend, limits, warnings(io, mode)),
      );
      output = await withProgress(io.stderr, mode, op.name, () =>
        callHandler(handlers, op.name, input, { namespace: resolved.namespace }),
      );
    }
  } finally {
    await backend.close();
  }
  if (mode.json) io.stdout.write(`${JSON.stringify(output)}\n`);
  else if (!mode.quiet) io.stdout.write(await human(op.name, output, input, resolved));
  return exitFor(op.name, output, input);
}

/**
 * Run `tta` with `argv` (without `node` and the script) and return the exit code. Everything
 * outside goes through `io`, so the CLI runs the same in-process (tests) and as `bin.js`.
 *
 * @example
 * const code = await run(["session", "show", "auth-design-2025-10-01", "--json"], processIo());
 */
export async function run(argv: readonly string[], io: CliIo, options: RunOptions = {}): Promise<number> {
  const end = argv.indexOf("--");
  const before = end === -1 ? argv : argv.slice(0, end);
  let mode: OutputMode = { json: before.includes("--json"), quiet: false, color: false };
  let invocation: Invocation | undefined;
  const program = buildProgram(io, (i) => {
    invocation = i;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      const code = commanderExit(error, program, argv, io, mode);
      // A hook never fails the agent (exit 2 would block a prompt in Claude Code): the error is on stderr.
      return argv[0] === "hook" ? 0 : code;
    }
    const e = toTtaError(error);
    printError(io.stderr, e, mode);
    return exitCodeFor(e.code);
  }
  if (!invocation) return 0;
  const g = (invocation as Invocation).globals;
  mode = {
    json: g.json === true,
    quiet: g.quiet === true,
    color: useColor(io.stderr, g.color !== false, io.env),
  };
  try {
    return await execute(invocation, io, mode, options);
  } catch (error) {
    const e = toTtaError(error);
    printError(io.stderr, e, mode);
    return exitCodeFor(e.code);
  }
}
