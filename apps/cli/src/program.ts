import {
  type CliBinding,
  type CliFlag,
  DEFAULT_HTTP_HOST,
  DEFAULT_HTTP_PORT,
  OPERATION_LIST,
  type OperationName,
} from "@tta-dev/contract";
import { Command, Option } from "commander";
import { AGENT_CLIENTS } from "./commands/agents/clients.js";
import type { CliIo } from "./io.js";
import { cliVersion } from "./version.js";

/** What the command line asked for, captured by commander's action. */
export type Invocation =
  | {
      kind: "operation";
      name: OperationName;
      binding: CliBinding;
      /** Positional values in declaration order (`undefined` when omitted). */
      args: (string | string[] | undefined)[];
      /** Flag values keyed by flag name (kebab-case). */
      flags: Record<string, unknown>;
      globals: GlobalFlags;
    }
  | {
      kind: "init";
      /** `--agent <client>`: register `tta mcp` with that coding agent instead of the normal init. */
      agent?: string;
      print?: boolean;
      tools?: string;
      globals: GlobalFlags;
    }
  | { kind: "serve"; host?: string; port?: string; globals: GlobalFlags }
  | { kind: "ui"; host?: string; port?: string; globals: GlobalFlags }
  | { kind: "mcp"; tools?: string; allowCommands?: boolean; globals: GlobalFlags }
  | {
      kind: "hook";
      agent: string;
      events?: string;
      completeOnEnd?: boolean;
      stage?: string;
      timeoutMs?: string;
      maxContextChars?: string;
      component?: string;
      purpose?: string;
      globals: GlobalFlags;
    }
  | { kind: "import"; what: "transcript"; file: string; session?: string; globals: GlobalFlags }
  | { kind: "import"; what: "groups"; file: string; dryRun?: boolean; globals: GlobalFlags }
  | {
      kind: "import";
      what: "bundle";
      file: string;
      onConflict?: string;
      dryRun?: boolean;
      globals: GlobalFlags;
    }
  | {
      kind: "export";
      out?: string;
      gzip?: boolean;
      sessions?: string;
      since?: string;
      globals: GlobalFlags;
    };

/** The global flags every command takes. */
export interface GlobalFlags {
  json?: boolean;
  dir?: string;
  backend?: string;
  redisUrl?: string;
  namespace?: string;
  workspace?: string;
  quiet?: boolean;
  color?: boolean;
}

const GROUP_DESCRIPTIONS: Record<string, string> = {
  session: "Working sessions: create, show, list, complete, archive, delete.",
  message: "A session's message history.",
  cache: "A session's short-lived cache (JSON values with a time to live).",
  memory: "Deep memory: lessons, decisions and failures that outlive a session.",
  group: "Session groups: related sessions, grouped, tagged and closed when done.",
  paf: "Permanent Architectural Facts of PAFCORE.md: list, validate, diff.",
  stage: "The workflow stage a session is in: tta context without --stage loads it.",
  policy: "The stage policy: which layers each stage loads, within which budget.",
};

function flagOption(name: string, flag: CliFlag): Option {
  const listed = flag.choices?.every((c) => flag.description.includes(c));
  const choices = flag.choices && !listed ? ` (${flag.choices.join(", ")})` : "";
  if (flag.type === "boolean") return new Option(`--${name}`, flag.description);
  const option = new Option(`--${name} <${flag.valueName ?? "value"}>`, `${flag.description}${choices}`);
  if (flag.repeatable)
    option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option;
}

function positionalSpec(binding: CliBinding, index: number): string {
  const p = binding.positionals[index]!;
  const optional = p.required === false || p.field === binding.stdin;
  const name = `${p.name}${p.variadic ? "..." : ""}`;
  return optional ? `[${name}]` : `<${name}>`;
}

function addOperation(
  parent: Command,
  name: OperationName,
  summary: string,
  binding: CliBinding,
  onRun: (i: Invocation) => void,
): void {
  const word = binding.words[binding.words.length - 1]!;
  const cmd = parent.command(word).description(binding.summary ?? summary);
  binding.positionals.forEach((p, i) => {
    const stdinNote = p.field === binding.stdin ? " (or stdin)" : "";
    cmd.argument(positionalSpec(binding, i), `${p.description}${stdinNote}`);
  });
  const keys: [string, string][] = [];
  for (const [flagName, flag] of Object.entries(binding.flags)) {
    const option = flagOption(flagName, flag);
    cmd.addOption(option);
    keys.push([flagName, option.attributeName()]);
  }
  cmd.addHelpText("after", `\nExample:\n  ${binding.example}\n`);
  cmd.action((...all: unknown[]) => {
    const command = all[all.length - 1] as Command;
    const opts = command.opts();
    const flags: Record<string, unknown> = {};
    for (const [flagName, attr] of keys) if (opts[attr] !== undefined) flags[flagName] = opts[attr];
    onRun({
      kind: "operation",
      name,
      binding,
      args: all.slice(0, binding.positionals.length) as (string | string[] | undefined)[],
      flags,
      globals: command.optsWithGlobals() as GlobalFlags,
    });
  });
}

/**
 * Build the `tta` program from the contract: one command per CLI binding, grouped under their
 * first word (`tta session create`), plus `tta init`. Nothing runs here: the chosen command is
 * handed to `onRun`.
 */
export function buildProgram(io: CliIo, onRun: (invocation: Invocation) => void): Command {
  const program = new Command("tta");
  program
    .description(
      "Sessions, session groups, deep memory, PAFs and stage-aware context for AI-agent development.",
    )
    .version(cliVersion(), "-V, --version", "print the version")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      // Only help comes here (errors go through outputError): help shown because a command needs a
      // subcommand (`tta session`) is printed like any other help and exits 0.
      writeErr: (s) => io.stdout.write(s),
      outputError: () => {},
    })
    .configureHelp({ showGlobalOptions: true })
    .option("--json", "print the operation's output JSON exactly; errors as JSON on stderr")
    .option("--dir <path>", "data directory of the file backend (default <workspace>/.tta)")
    .option("--backend <name>", "storage backend: file, redis, keyv or memory (default file)")
    .option("--redis-url <url>", "Redis URL for --backend redis")
    .option("--namespace <ns>", "namespace (default: default)")
    .option("--workspace <path>", "run as if started in this folder (the workspace holding .tta/)")
    .option("-q, --quiet", "print nothing on success (except --json output)")
    .option("--no-color", "no colours (also NO_COLOR)")
    .addHelpText(
      "after",
      '\nExample:\n  tta session create auth-design-2025-10-01 --title "Auth design"\n  tta context auth-design-2025-10-01 --stage plan\n\nConfiguration: .tta/config.yaml, then TTA_* variables, then flags.\n',
    );

  const groups = new Map<string, Command>();
  for (const op of OPERATION_LIST) {
    for (const binding of op.cli) {
      let parent = program;
      for (const word of binding.words.slice(0, -1)) {
        const key = `${parent.name()} ${word}`;
        let group = groups.get(key);
        if (!group) {
          group = parent.command(word).description(GROUP_DESCRIPTIONS[word] ?? `${word} commands`);
          group.addHelpText("after", () => `\nExamples:\n${examplesUnder(binding.words[0]!)}`);
          groups.set(key, group);
        }
        parent = group;
      }
      addOperation(parent, op.name as OperationName, op.summary, binding, onRun);
    }
  }
  program
    .command("init")
    .description(
      "Write a commented .tta/config.yaml and a starter PAFCORE.md here (never overwrites); with --agent, register tta mcp with a coding agent instead.",
    )
    .option(
      "--agent <client>",
      `add the MCP server tta (tta mcp --workspace <root>) to the configuration of a coding agent: ${AGENT_CLIENTS.join(", ")}`,
    )
    .option("--print", "with --agent: print the entry and the file it belongs in, write nothing")
    .option("--tools <set>", "with --agent: the tool set of the server (tta mcp --tools <set>)")
    .addHelpText(
      "after",
      "\nExample:\n  tta init\n  tta init --agent claude-code\n  tta init --agent codex --tools all --print\n",
    )
    .action((opts: { agent?: string; print?: boolean; tools?: string }, command: Command) => {
      onRun({ kind: "init", ...opts, globals: command.optsWithGlobals() as GlobalFlags });
    });
  program
    .command("serve")
    .description(
      "Start the HTTP server (@tta-dev/http) on this workspace's store; SIGTERM drains and stops it.",
    )
    .option("--host <host>", `interface to bind (default ${DEFAULT_HTTP_HOST}; http.host)`)
    .option(
      "--port <port>",
      `port to listen on, 0 for any free one (default ${DEFAULT_HTTP_PORT}; http.port)`,
    )
    .addHelpText("after", `\nExample:\n  tta serve --port ${DEFAULT_HTTP_PORT}\n`)
    .action((opts: { host?: string; port?: string }, command: Command) => {
      onRun({ kind: "serve", ...opts, globals: command.optsWithGlobals() as GlobalFlags });
    });
  program
    .command("ui")
    .description(
      "Start the HTTP server with its web inspector and print the inspector's URL (sessions, groups, memory, context preview, PAFs); SIGTERM stops it.",
    )
    .option("--host <host>", `interface to bind (default ${DEFAULT_HTTP_HOST}; http.host)`)
    .option(
      "--port <port>",
      `port to listen on, 0 for any free one (default ${DEFAULT_HTTP_PORT}; http.port)`,
    )
    .addHelpText("after", "\nExample:\n  tta ui\n  tta ui --port 0\n")
    .action((opts: { host?: string; port?: string }, command: Command) => {
      onRun({ kind: "ui", ...opts, globals: command.optsWithGlobals() as GlobalFlags });
    });
  program
    .command("mcp")
    .description(
      "Run the MCP server (@tta-dev/mcp) over stdio for a coding agent; stdout carries only the protocol.",
    )
    .option("--tools <set>", "default (the agent loop), all, or tool names separated by commas")
    .option("--allow-commands", "let paf_validate run the Check: command lines")
    .addHelpText("after", "\nExample:\n  tta mcp --tools all\n")
    .action((opts: { tools?: string; allowCommands?: boolean }, command: Command) => {
      onRun({ kind: "mcp", ...opts, globals: command.optsWithGlobals() as GlobalFlags });
    });
  program
    .command("hook")
    .description(
      "Handle one coding-agent hook event from stdin (claude-code, or generic: the JSON contract for any agent): load context when a session starts, record prompts and replies. Always exits 0; problems go to stderr.",
    )
    .argument("<agent>", "the event format on stdin: claude-code or generic")
    .option("--events <list>", "handle only these events, separated by commas (default: all)")
    .option("--complete-on-end", "the session's end completes the tta session")
    .option(
      "--stage <stage>",
      "stage loaded at session start when the session has none recorded (default understand)",
    )
    .option("--timeout-ms <n>", "give up after this many milliseconds (default 800)")
    .option("--max-context-chars <n>", "longest context printed at session start (default 10000)")
    .option("--component <c>", "component of new session names (default: from the git branch or folder)")
    .option("--purpose <p>", "purpose of new session names (default: the branch's type, e.g. feature)")
    .addHelpText(
      "after",
      '\nExamples:\n  echo \'{"session_id":"abc","hook_event_name":"SessionStart","source":"startup"}\' | tta hook claude-code\n  echo \'{"agent":"codex","session_id":"abc","event":"prompt","prompt":"add a retry"}\' | tta hook generic\n',
    )
    .action(
      (
        agent: string,
        opts: {
          events?: string;
          completeOnEnd?: boolean;
          stage?: string;
          timeoutMs?: string;
          maxContextChars?: string;
          component?: string;
          purpose?: string;
        },
        command: Command,
      ) => {
        onRun({ kind: "hook", agent, ...opts, globals: command.optsWithGlobals() as GlobalFlags });
      },
    );
  const importGroup = program
    .command("import")
    .description(
      "Bring records into tta: transcript (a coding agent's conversation), bundle (a tta export), groups (an original session_groups.json).",
    );
  importGroup.addHelpText(
    "after",
    "\nExamples:\n  tta import transcript ~/.claude/projects/app/3f1c.jsonl\n  tta import bundle backup.ndjson.gz\n",
  );
  importGroup
    .command("transcript")
    .description(
      "Import a Claude Code transcript (JSONL), or a JSONL of {role, content, timestamp?, id?}, into a session; a second import stores nothing twice.",
    )
    .argument("<file>", "the .jsonl file")
    .option(
      "--session <id>",
      "import into this active session (default: the session the hook uses; for a generic file, the one it went to before)",
    )
    .addHelpText(
      "after",
      "\nExample:\n  tta import transcript ~/.claude/projects/app/3f1c.jsonl\n  tta import transcript chat.jsonl --session auth-design-2025-10-01\n",
    )
    .action((file: string, opts: { session?: string }, command: Command) => {
      onRun({
        kind: "import",
        what: "transcript",
        file,
        ...opts,
        globals: command.optsWithGlobals() as GlobalFlags,
      });
    });
  importGroup
    .command("bundle")
    .description(
      "Import a bundle of tta export (plain or gzip) into the store: checked whole before anything is written; what the store already holds is skipped.",
    )
    .argument("<file>", "the bundle file")
    .option(
      "--on-conflict <mode>",
      "an entity the store holds with other content: skip (keep the store's, default), overwrite, or fail",
    )
    .option("--dry-run", "check the bundle and report what would be imported; write nothing")
    .addHelpText(
      "after",
      "\nThe target namespace is --namespace, or else the bundle's.\n\nExample:\n  tta import bundle backup.ndjson\n  tta import bundle backup.ndjson.gz --namespace staging --on-conflict overwrite\n",
    )
    .action((file: string, opts: { onConflict?: string; dryRun?: boolean }, command: Command) => {
      onRun({
        kind: "import",
        what: "bundle",
        file,
        ...opts,
        globals: command.optsWithGlobals() as GlobalFlags,
      });
    });
  importGroup
    .command("groups")
    .description(
      "Import a session_groups.json of the original implementation (version 1.0 or 2.0) into the store: the sessions its groups name, then the groups; checked whole first, what the store holds is kept.",
    )
    .argument("<file>", "the session_groups.json file")
    .option("--dry-run", "check the file and report what would be imported; write nothing")
    .addHelpText(
      "after",
      "\nThe target namespace is --namespace, or else the configured one.\n\nExample:\n  tta import groups old-project/.tta/session_groups.json --backend redis\n",
    )
    .action((file: string, opts: { dryRun?: boolean }, command: Command) => {
      onRun({
        kind: "import",
        what: "groups",
        file,
        ...opts,
        globals: command.optsWithGlobals() as GlobalFlags,
      });
    });
  program
    .command("export")
    .description(
      "Write the namespace's sessions, messages, cache, memories and groups as a bundle (NDJSON) that tta import bundle reads.",
    )
    .option("--out <file>", "write to this file (complete, or not at all), or - for stdout (default -)")
    .option("--gzip", "compress with gzip (also when --out ends with .gz)")
    .option("--sessions <ids>", "only these sessions (separated by commas), their records and groups")
    .option("--since <time>", "only messages, cache, memories and groups created or changed since (ISO 8601)")
    .addHelpText(
      "after",
      "\nExample:\n  tta export --out backup.ndjson.gz\n  tta export --sessions auth-design-2025-10-01 > auth.ndjson\n",
    )
    .action((opts: { out?: string; gzip?: boolean; sessions?: string; since?: string }, command: Command) => {
      onRun({ kind: "export", ...opts, globals: command.optsWithGlobals() as GlobalFlags });
    });
  return program;
}

function examplesUnder(word: string): string {
  return OPERATION_LIST.flatMap((op) => op.cli)
    .filter((b) => b.words[0] === word)
    .map((b) => `  ${b.example}\n`)
    .join("");
}
