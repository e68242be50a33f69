import type { Config } from "@tta-dev/contract";
import { ValidationError } from "@tta-dev/core";

type Setter = (config: Config, value: string) => void;

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new ValidationError(`${name}: must be a positive integer, got ${JSON.stringify(value)}.`, {
      variable: name,
      issues: [{ path: name, message: "must be a positive integer" }],
    });
  }
  return n;
}

/** The `TTA_*` environment variables and the config key each sets. */
export const ENV_VARIABLES: Readonly<Record<string, { key: string; set: Setter }>> = {
  TTA_BACKEND: { key: "backend", set: (c, v) => Object.assign(c, { backend: v }) },
  TTA_DIR: { key: "dir", set: (c, v) => Object.assign(c, { dir: v }) },
  TTA_NAMESPACE: { key: "namespace", set: (c, v) => Object.assign(c, { namespace: v }) },
  TTA_NAMING_POLICY: { key: "namingPolicy", set: (c, v) => Object.assign(c, { namingPolicy: v }) },
  TTA_REDIS_URL: { key: "redis.url", set: (c, v) => Object.assign(c, { redis: { ...c.redis, url: v } }) },
  TTA_REDIS_COMMAND_TIMEOUT_MS: {
    key: "redis.commandTimeoutMs",
    set: (c, v) =>
      Object.assign(c, {
        redis: { ...c.redis, commandTimeoutMs: positiveInt("TTA_REDIS_COMMAND_TIMEOUT_MS", v) },
      }),
  },
  TTA_KEYV_URL: { key: "keyv.url", set: (c, v) => Object.assign(c, { keyv: { ...c.keyv, url: v } }) },
  TTA_DURABILITY: {
    key: "file.durability",
    set: (c, v) => Object.assign(c, { file: { ...c.file, durability: v } }),
  },
  TTA_SEARCH_LANGUAGE: {
    key: "search.language",
    set: (c, v) => Object.assign(c, { search: { ...c.search, language: v } }),
  },
  TTA_PAF_PATH: { key: "pafPath", set: (c, v) => Object.assign(c, { pafPath: v }) },
  TTA_POLICY_PATH: { key: "policyPath", set: (c, v) => Object.assign(c, { policyPath: v }) },
};

/** The configuration set by `TTA_*` variables (empty values are ignored), and which variables were used. */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): {
  config: Config;
  used: { name: string; key: string }[];
} {
  const config: Config = {};
  const used: { name: string; key: string }[] = [];
  for (const [name, { key, set }] of Object.entries(ENV_VARIABLES)) {
    const value = env[name];
    if (value === undefined || value === "") continue;
    set(config, value);
    used.push({ name, key });
  }
  return { config, used };
}
