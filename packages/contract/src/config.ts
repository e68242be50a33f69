import { NAMING_POLICIES } from "@tta-dev/core";
import { z } from "zod";

/** Storage backends the apps can open. */
export const BACKEND_NAMES = ["file", "redis", "keyv", "memory"] as const;
/** A backend name as configured. */
export const BackendName = z.enum(BACKEND_NAMES);
/** A backend name as configured. */
export type BackendName = z.infer<typeof BackendName>;

const PositiveInt = z.number().int().positive();

/** Overrides of the default limits of SPEC §6. */
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
  /** PAFCORE.md location (default: the standard lookup of SPEC §3.6). */
  pafPath: z.string().min(1).optional(),
  /** Stage policy file (default `.tta/policy.yaml` or `.tta/policy.json`). */
  policyPath: z.string().min(1).optional(),
  limits: LimitsConfig.optional(),
  http: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0).max(65_535).optional(),
      bodyLimitBytes: PositiveInt.optional(),
      tokens: z.array(HttpTokenConfig).optional(),
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
