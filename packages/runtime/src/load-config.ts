import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { type Config, ConfigSchema, retentionRules } from "@tta-dev/contract";
import {
  checkNamespace,
  DEFAULT_NAMESPACE,
  formatIssues,
  type NamingPolicy,
  ValidationError,
} from "@tta-dev/core";
import type { ConfigSourceInfo } from "@tta-dev/workflow";
import { configFromEnv } from "./env.js";
import { importYaml } from "./import-yaml.js";
import { configPath, findWorkspaceRoot } from "./workspace.js";

/** Configuration given as global flags. */
export interface ConfigFlags {
  dir?: string;
  backend?: string;
  redisUrl?: string;
  namespace?: string;
}

/** The effective configuration of one run. */
export interface ResolvedConfig {
  /** The workspace root (holds `.tta/`). */
  root: string;
  /** Merged configuration: file, then `TTA_*` variables, then flags. */
  config: Config;
  backend: NonNullable<Config["backend"]>;
  /** Absolute data directory of the file backend. */
  dataDir: string;
  namespace: string;
  namingPolicy: NamingPolicy;
  sources: ConfigSourceInfo[];
}

function check(config: unknown, where: string, describe: (path: string) => string): Config {
  const result = ConfigSchema.safeParse(config);
  if (result.success) {
    try {
      // A rule without a condition, or with one of another layer, fails here rather than at `forget`.
      retentionRules(result.data.retention);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const issues = (error.details as { issues?: { path: string; message: string }[] }).issues ?? [];
      throw new ValidationError(
        `Invalid configuration in ${where}: ${issues.map((i) => `${describe(i.path)}: ${i.message}`).join("; ")}`,
        { source: where, issues },
      );
    }
    return result.data;
  }
  const issues = formatIssues(result.error.issues).map((i) => {
    const unknown = /Unrecognized keys?: (.*)/.exec(i.message);
    const path = unknown && i.path === "(root)" ? unknown[1]!.replace(/"/g, "") : i.path;
    return { path, message: i.message, at: describe(path) };
  });
  throw new ValidationError(
    `Invalid configuration in ${where}: ${issues.map((i) => `${i.at}: ${i.message}`).join("; ")}`,
    { source: where, issues: issues.map(({ path, message }) => ({ path, message })) },
  );
}

async function readConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ValidationError(`Cannot read ${file}: ${(error as Error).message}`, { file });
  }
  const { parseDocument } = await importYaml();
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line;
    throw new ValidationError(
      `Invalid YAML in ${file}${line ? ` at line ${line}` : ""}: ${problem.message.split("\n")[0]}`,
      { file, ...(line ? { line } : {}) },
    );
  }
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  return value ?? {};
}

function merge(base: Config, over: Config): Config {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] =
      typeof v === "object" && v !== null && !Array.isArray(v) && typeof prev === "object" && prev !== null
        ? { ...prev, ...v }
        : v;
  }
  return out as Config;
}

function keysOf(config: Config, prefix = ""): string[] {
  return Object.entries(config).flatMap(([k, v]) =>
    typeof v === "object" && v !== null && !Array.isArray(v) && k !== "limits" && k !== "http"
      ? keysOf(v as Config, `${prefix}${k}.`)
      : [`${prefix}${k}`],
  );
}

const FLAG_OF: Record<string, string> = {
  dir: "--dir",
  backend: "--backend",
  "redis.url": "--redis-url",
  namespace: "--namespace",
};

/**
 * Resolve the configuration: `.tta/config.yaml` of the workspace, then `TTA_*` variables, then
 * flags. Every source is validated on its own so that an error names the file and key, the
 * variable, or the flag (`VALIDATION_FAILED`, exit 2).
 */
export async function loadConfig(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  flags: ConfigFlags = {},
): Promise<ResolvedConfig> {
  const root = findWorkspaceRoot(cwd);
  const file = configPath(root);
  const sources: ConfigSourceInfo[] = [];
  const raw = await readConfigFile(file);
  const fromFile = raw === undefined ? {} : check(raw, file, (p) => p);
  if (raw !== undefined) sources.push({ kind: "file", name: file, keys: keysOf(fromFile) });

  const { config: envConfig, used } = configFromEnv(env);
  const fromEnv = check(envConfig, "the environment", (p) => used.find((u) => u.key === p)?.name ?? p);
  for (const u of used) sources.push({ kind: "env", name: u.name, keys: [u.key] });

  const flagConfig: Config = {};
  if (flags.dir !== undefined) flagConfig.dir = flags.dir;
  if (flags.backend !== undefined) flagConfig.backend = flags.backend as Config["backend"];
  if (flags.namespace !== undefined) flagConfig.namespace = flags.namespace;
  if (flags.redisUrl !== undefined) flagConfig.redis = { url: flags.redisUrl };
  const fromFlags = check(flagConfig, "the command line", (p) => FLAG_OF[p] ?? p);
  for (const key of keysOf(fromFlags)) sources.push({ kind: "flag", name: FLAG_OF[key] ?? key, keys: [key] });

  const config = merge(merge(fromFile, fromEnv), fromFlags);
  // A --dir flag or TTA_DIR is relative to where tta runs; the file's `dir` to the workspace root.
  const dirBase = fromFlags.dir !== undefined || fromEnv.dir !== undefined ? cwd : root;
  const dataDir = config.dir
    ? isAbsolute(config.dir)
      ? config.dir
      : resolve(dirBase, config.dir)
    : join(root, ".tta");
  const namespace = checkNamespace(config.namespace ?? DEFAULT_NAMESPACE);
  const defaults = ["backend", "dir", "namespace", "namingPolicy"].filter((k) => !(k in config));
  if (defaults.length) sources.unshift({ kind: "default", name: "built-in defaults", keys: defaults });
  return {
    root,
    config,
    backend: config.backend ?? "file",
    dataDir,
    namespace,
    namingPolicy: (config.namingPolicy ?? "strict") as NamingPolicy,
    sources,
  };
}
