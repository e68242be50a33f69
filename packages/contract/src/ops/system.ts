import { z } from "zod";
import { defineOperation } from "../define.js";

/** Where one configuration value came from. */
export const ConfigSource = z.object({
  kind: z.enum(["default", "file", "env", "flag"]),
  /** The file path, variable name or flag. */
  name: z.string(),
  /** Config keys it set. */
  keys: z.array(z.string()),
});

/** `system.doctor`: backend, connectivity, capabilities and where the configuration came from. */
export const systemDoctor = defineOperation({
  name: "system.doctor",
  summary: "Report the backend, its connectivity and capability table, and the configuration sources.",
  input: z.strictObject({}),
  output: z.object({
    ok: z.boolean(),
    version: z.string(),
    node: z.string(),
    namespace: z.string(),
    backend: z.object({
      name: z.string(),
      capabilities: z.object({
        atomicCompareAndSet: z.boolean(),
        crossProcess: z.boolean(),
        nativeTtl: z.boolean(),
        durability: z.enum(["fsync", "os", "memory"]),
      }),
      connectivity: z.object({
        ok: z.boolean(),
        latencyMs: z.number().min(0),
        error: z.object({ code: z.string(), message: z.string() }).optional(),
      }),
    }),
    config: z.object({ sources: z.array(ConfigSource) }),
  }),
  errors: [],
  http: { method: "GET", path: "/v1/doctor", scope: "admin" },
  cli: {
    words: ["doctor"],
    positionals: [],
    flags: {},
    example: "tta doctor --backend redis --redis-url redis://127.0.0.1:6379",
  },
});

/** Every system operation. */
export const systemOperations = [systemDoctor] as const;
