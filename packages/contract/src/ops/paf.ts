import { JsonValue, Paf } from "@tta-dev/core";
import { z } from "zod";
import { defineOperation } from "../define.js";
import { page } from "../fields.js";

/** One lint finding or compliance check result of `paf.validate`. */
export const PafResult = z.object({
  /** The fact checked; absent for document-level findings. */
  pafId: z.string().optional(),
  /** `lint` for document problems, else the checker name (`max-lines`, `min-coverage`, …). */
  check: z.string(),
  ok: z.boolean(),
  severity: z.enum(["error", "warning", "info"]),
  actual: JsonValue.optional(),
  expected: JsonValue.optional(),
  message: z.string(),
  source: z.object({ file: z.string(), line: z.number().int().min(1) }).optional(),
});

/** Output format of `paf.validate`: `json` (no rendering), `text` or `github` (annotations) add `rendered`. */
export const PafValidateFormat = z.enum(["text", "json", "github"]);

/** `paf.list`: the facts of PAFCORE.md. */
export const pafList = defineOperation({
  name: "paf.list",
  summary: "List the Permanent Architectural Facts of PAFCORE.md.",
  input: z.strictObject({
    category: z
      .string()
      .regex(/^[A-Z]+$/, "must be an upper-case id prefix such as QUAL")
      .optional(),
    all: z.boolean().optional(),
  }),
  output: page(Paf).extend({ file: z.string() }),
  errors: ["PAF_FILE_NOT_FOUND", "PAF_PARSE_ERROR"],
  http: { method: "GET", path: "/v1/pafs", scope: "read" },
  cli: {
    words: ["paf", "list"],
    positionals: [],
    flags: {
      category: {
        field: "category",
        type: "string",
        valueName: "C",
        description: "Only this category (QUAL, …)",
      },
      all: { field: "all", type: "boolean", description: "Include deprecated and replaced facts" },
    },
    example: "tta paf list --category QUAL",
  },
});

/** `paf.validate`: lint PAFCORE.md and run the compliance checks. CLI exit: 0 pass, 1 warnings, 2 errors. */
export const pafValidate = defineOperation({
  name: "paf.validate",
  summary: "Lint PAFCORE.md and run its compliance checks (exit 0 pass, 1 warnings, 2 errors).",
  input: z.strictObject({
    strict: z.boolean().optional(),
    format: PafValidateFormat.optional(),
    allowCommands: z.boolean().optional(),
  }),
  output: z.object({
    ok: z.boolean(),
    results: z.array(PafResult),
    summary: z.object({
      total: z.number().int().min(0),
      passed: z.number().int().min(0),
      errors: z.number().int().min(0),
      warnings: z.number().int().min(0),
      infos: z.number().int().min(0),
    }),
    file: z.string(),
    rendered: z.string().optional(),
  }),
  errors: ["PAF_FILE_NOT_FOUND", "PAF_PARSE_ERROR", "NOT_SUPPORTED"],
  http: { method: "POST", path: "/v1/pafs/validate", scope: "admin" },
  cli: {
    words: ["paf", "validate"],
    positionals: [],
    flags: {
      strict: { field: "strict", type: "boolean", description: "Treat warnings as errors" },
      format: {
        field: "format",
        type: "string",
        valueName: "F",
        choices: PafValidateFormat.options,
        description: "text, json or github (the CLI asks for text unless --json)",
      },
      "allow-commands": { field: "allowCommands", type: "boolean", description: "Run `command` checks" },
    },
    example: "tta paf validate --strict --format github",
  },
});

/** A fact before and after a change. */
export const PafChange = z.object({ before: Paf, after: Paf });

/** `paf.diff`: facts added, changed, deprecated or removed since the last recorded snapshot. */
export const pafDiff = defineOperation({
  name: "paf.diff",
  summary: "Show facts added, changed, deprecated or removed since the last recorded snapshot.",
  input: z.strictObject({ record: z.boolean().optional() }),
  output: z.object({
    since: z.string().nullable(),
    added: z.array(Paf),
    changed: z.array(PafChange),
    deprecated: z.array(Paf),
    removed: z.array(Paf),
    recorded: z.boolean(),
  }),
  errors: ["PAF_FILE_NOT_FOUND", "PAF_PARSE_ERROR"],
  http: { method: "POST", path: "/v1/pafs/diff", scope: "write" },
  cli: {
    words: ["paf", "diff"],
    positionals: [],
    flags: {
      record: { field: "record", type: "boolean", description: "Record the current facts as the snapshot" },
    },
    example: "tta paf diff --record",
  },
});

/** Every PAF operation. */
export const pafOperations = [pafList, pafValidate, pafDiff] as const;
