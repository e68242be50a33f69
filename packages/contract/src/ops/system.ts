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

/** One piece of damaged data the backend found (places are relative to the store, never absolute). */
export const StoreProblem = z.object({
  kind: z.string(),
  place: z.string(),
  line: z.number().int().min(1).optional(),
  message: z.string(),
  repairable: z.boolean(),
});

/** What the store check of `system.doctor` read and found. */
export const StoreCheck = z.object({
  /** False when the backend cannot inspect its data (a database that validates its own). */
  inspected: z.boolean(),
  /** Files (or keys) read. */
  checked: z.number().int().min(0),
  problems: z.array(StoreProblem),
});

/**
 * How much the namespace holds, per store: records (sessions, live cache entries, memories, groups)
 * and log entries (messages, and the memory-changes log every memory write appends to).
 */
export const StoreSizes = z.object({
  sessions: z.number().int().min(0),
  messages: z.number().int().min(0),
  cache: z.number().int().min(0),
  memories: z.number().int().min(0),
  memoryChanges: z.number().int().min(0),
  groups: z.number().int().min(0),
});

/**
 * `system.doctor`: backend, connectivity, capabilities, a check of the namespace's stored data, the
 * size of each store (`null` when the store is unreachable or too damaged to read), and where the
 * configuration came from. `ok` is false when the store is unreachable or holds damage.
 */
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
    store: StoreCheck,
    sizes: StoreSizes.nullable(),
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

/**
 * `system.repair`: move the namespace's damaged data (the problems `system.doctor` lists as
 * repairable) into side files next to where it was, never deleting it, so that the good data around it
 * reads and writes normally. `dryRun` only says what would move.
 */
export const systemRepair = defineOperation({
  name: "system.repair",
  summary:
    "Set damaged stored data aside (into side files, never deleted) so the rest works; --dry-run shows what.",
  input: z.strictObject({ dryRun: z.boolean().optional() }),
  output: z.object({
    dryRun: z.boolean(),
    moved: z.array(z.object({ place: z.string(), lines: z.array(z.number().int()), to: z.string() })),
    remaining: z.array(StoreProblem),
  }),
  errors: ["NOT_SUPPORTED", "BACKEND_UNAVAILABLE"],
  http: { method: "POST", path: "/v1/repair", scope: "admin" },
  cli: {
    words: ["repair"],
    positionals: [],
    flags: {
      "dry-run": { field: "dryRun", type: "boolean", description: "Only show what would be set aside" },
    },
    example: "tta repair --dry-run",
  },
});

/** Every system operation. */
export const systemOperations = [systemDoctor, systemRepair] as const;
