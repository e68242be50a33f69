import {
  DURATION_PATTERN,
  MemoryKind,
  NAMING_POLICIES,
  parseDuration,
  RetentionRule,
  SEARCH_LANGUAGES,
  SessionStatus,
  ValidationError,
} from "@tta-dev/core";
import { z } from "zod";

/** Storage backends the apps can open. */
export const BACKEND_NAMES = ["file", "redis", "keyv", "memory"] as const;
/** A backend name as configured. */
export const BackendName = z.enum(BACKEND_NAMES);
/** A backend name as configured. */
export type BackendName = z.infer<typeof BackendName>;

const PositiveInt = z.number().int().positive();

/** Overrides of the default limits (docs/contract.md#limits). */
export const LimitsConfig = z.strictObject({
  messageContentBytes: PositiveInt.optional(),
  memoryContentBytes: PositiveInt.optional(),
  cacheValueBytes: PositiveInt.optional(),
  metadataBytes: PositiveInt.optional(),
  metadataKeys: PositiveInt.optional(),
  tagsPerItem: PositiveInt.optional(),
  batchAppend: PositiveInt.optional(),
});

/** A bearer token of the HTTP app: only its SHA-256 (hex) is stored. */
export const HttpTokenConfig = z.strictObject({
  name: z.string().min(1).max(128),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be the lower-case hex SHA-256 of the token"),
  scopes: z.array(z.enum(["read", "write", "admin"])).min(1),
  /** Namespaces the token may touch; `*` means all. */
  namespaces: z.array(z.string().min(1).max(64)).min(1),
});

/** Port of `tta serve` / `tta-http` when neither `http.port` nor `--port` names one. */
export const DEFAULT_HTTP_PORT = 7411;

/** Address the HTTP server binds when neither `http.host` nor `--host` names one: loopback only. */
export const DEFAULT_HTTP_HOST = "127.0.0.1";

/**
 * Defaults of the HTTP server's limits (`http.*` of `.tta/config.yaml`). The timeouts are short on
 * purpose: a local tool answers in milliseconds, and a client that trickles its headers or body
 * must not hold a connection (and its memory) for Node's default five minutes.
 */
export const HTTP_DEFAULTS = Object.freeze({
  /** Room for a 1 MiB message and its JSON escaping; 2 MiB is refused. */
  bodyLimitBytes: 1536 * 1024,
  /** Largest bundle `POST /v1/import` takes (it is spooled to a temporary file, then imported). */
  importLimitBytes: 256 * 1024 * 1024,
  /** Time to receive the request headers. */
  headersTimeoutMs: 10_000,
  /** Time to receive the whole request, headers and body. */
  requestTimeoutMs: 30_000,
  /** Time an idle keep-alive connection stays open between requests. */
  idleTimeoutMs: 5_000,
  /** Open connections at once; further ones are closed on arrival. */
  maxConnections: 512,
  /** Whether `paf.validate` may run `command` checks over HTTP (with an admin token as well). */
  allowCommands: false,
});

/**
 * A host name the HTTP server answers to besides the loopback names: a DNS name or an IP address
 * (IPv6 in brackets), without port or scheme.
 */
export const HttpAllowedHost = z
  .string()
  .min(1)
  .max(253)
  .regex(
    /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*|\[[0-9A-Fa-f:.]+\])$/,
    "must be a host name or IP address (IPv6 in brackets), without port or scheme",
  );

/** A duration in a configuration file: `90d`, `12h`, `30m`, `45s`, `500ms` (a bare number is seconds). */
const ConfigDuration = z.string().regex(DURATION_PATTERN, "must be a duration such as 30s, 15m, 1h or 7d");

/**
 * One retention rule of `retention:` (docs/domain.md#forgetting): the fields of a rule of `forget`, with
 * durations written as `olderThan: 90d` and `archivedFor: 30d`.
 */
export const ConfigRetentionRule = z.strictObject({
  layer: z.enum(["sessions", "memories"]),
  olderThan: ConfigDuration.optional(),
  status: z.array(SessionStatus).optional(),
  archivedFor: ConfigDuration.optional(),
  kinds: z.array(MemoryKind).optional(),
  importanceBelow: z.number().min(0).max(1).optional(),
  tags: z.array(z.string()).optional(),
  expired: z.literal(true).optional(),
});
export type ConfigRetentionRule = z.infer<typeof ConfigRetentionRule>;

/**
 * The rules of `retention:` as `forget` takes them, each checked (`VALIDATION_FAILED` naming
 * `retention.<i>.<field>`).
 */
export function retentionRules(rules: readonly ConfigRetentionRule[] | undefined): RetentionRule[] {
  return (rules ?? []).map(({ olderThan, archivedFor, ...rest }, i) => {
    const rule = {
      ...rest,
      ...(olderThan !== undefined
        ? { olderThanMs: parseDuration(olderThan, `retention.${i}.olderThan`) }
        : {}),
      ...(archivedFor !== undefined
        ? { archivedForMs: parseDuration(archivedFor, `retention.${i}.archivedFor`) }
        : {}),
    };
    const parsed = RetentionRule.safeParse(rule);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = `retention.${i}${issue.path.length ? `.${issue.path.join(".")}` : ""}`;
      throw new ValidationError(`${path}: ${issue.message}`, { issues: [{ path, message: issue.message }] });
    }
    return parsed.data;
  });
}

/**
 * `.tta/config.yaml`. Every key is optional; unknown keys are refused so that a typo is reported
 * instead of ignored. Relative paths are relative to the workspace root (the folder holding `.tta/`).
 */
export const ConfigSchema = z.strictObject({
  /** Storage backend (default `file`). */
  backend: BackendName.optional(),
  /** Data directory of the file backend (default `.tta`). */
  dir: z.string().min(1).optional(),
  /** Namespace (default `default`). */
  namespace: z.string().min(1).max(64).optional(),
  /** Session naming rule (default `strict`). */
  namingPolicy: z.enum(NAMING_POLICIES as [string, ...string[]]).optional(),
  redis: z
    .strictObject({
      url: z.string().min(1).optional(),
      commandTimeoutMs: PositiveInt.optional(),
    })
    .optional(),
  keyv: z.strictObject({ url: z.string().min(1).optional() }).optional(),
  file: z.strictObject({ durability: z.enum(["fsync", "os"]).optional() }).optional(),
  /** PAFCORE.md location (default: the lookup of docs/domain.md#paf-lookup). */
  pafPath: z.string().min(1).optional(),
  /** Stage policy file (default `.tta/policy.yaml` or `.tta/policy.json`). */
  policyPath: z.string().min(1).optional(),
  limits: LimitsConfig.optional(),
  /** Deep-memory search: the language of its text analysis (stop words, stemming; default `english`). */
  search: z.strictObject({ language: z.enum(SEARCH_LANGUAGES).optional() }).optional(),
  /** Retention rules that `tta forget --apply-policy` runs. */
  retention: z.array(ConfigRetentionRule).max(50).optional(),
  http: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65_535).optional(),
      bodyLimitBytes: PositiveInt.optional(),
      /** Largest bundle body of `POST /v1/import` (default {@link HTTP_DEFAULTS}). */
      importLimitBytes: PositiveInt.optional(),
      tokens: z.array(HttpTokenConfig).optional(),
      /** Host names served besides loopback ones (the `Host` header is checked: DNS rebinding). */
      allowedHosts: z.array(HttpAllowedHost).optional(),
      /** Let an admin token run `command` checks of `paf.validate` (default false). */
      allowCommands: z.boolean().optional(),
      /** Time to receive request headers (default {@link HTTP_DEFAULTS}); at most requestTimeoutMs. */
      headersTimeoutMs: PositiveInt.optional(),
      /** Time to receive a whole request. */
      requestTimeoutMs: PositiveInt.optional(),
      /** Time an idle keep-alive connection stays open. */
      idleTimeoutMs: PositiveInt.optional(),
      /** Connections open at once. */
      maxConnections: PositiveInt.optional(),
    })
    .optional(),
});

/** A parsed `.tta/config.yaml`. */
export type Config = z.infer<typeof ConfigSchema>;

/**
 * The JSON Schema (draft 2020-12) of `.tta/config.yaml`, for editors and validators.
 *
 * @example
 * writeFileSync("tta-config.schema.json", JSON.stringify(configJsonSchema(), null, 2));
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigSchema, { target: "draft-2020-12", io: "input" }),
    title: "tta configuration (.tta/config.yaml)",
  };
}
