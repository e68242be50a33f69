import { LimitExceededError, parseOrThrow, utf8Length, ValidationError } from "@tta-dev/core";
import { parseDocument } from "yaml";
import { PolicyOverrides } from "./policy-schema.js";

/** Largest policy file accepted, in UTF-8 bytes. A complete policy with every cell spelled out is about 6 KiB. */
export const MAX_POLICY_FILE_BYTES = 64 * 1024;

/** The format of a policy file. */
export type PolicyFormat = "yaml" | "json";

function formatOf(source: string): PolicyFormat {
  const lower = source.toLowerCase();
  if (lower === "json" || lower.endsWith(".json")) return "json";
  if (lower === "yaml" || lower === "yml" || lower.endsWith(".yaml") || lower.endsWith(".yml")) return "yaml";
  throw new ValidationError(`${source}: a policy file must be .yaml, .yml or .json`, {
    issues: [{ path: "(file)", message: "must be .yaml, .yml or .json" }],
    file: source,
  });
}

function syntaxError(source: string, message: string): ValidationError {
  return new ValidationError(`${source}: not valid ${formatOf(source).toUpperCase()}: ${message}`, {
    issues: [{ path: "(root)", message }],
    file: source,
  });
}

function parseText(text: string, source: string): unknown {
  if (formatOf(source) === "json") {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw syntaxError(source, err instanceof Error ? err.message : String(err));
    }
  }
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  } catch (err) {
    throw syntaxError(source, err instanceof Error ? err.message : String(err));
  }
  const [first] = doc.errors;
  if (first) throw syntaxError(source, (first.message.split("\n")[0] ?? first.code).replace(/:$/, ""));
  try {
    // Aliases are bounded so that a "billion laughs" document fails instead of growing.
    return doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw syntaxError(source, err instanceof Error ? err.message : String(err));
  }
}

/**
 * Parse and validate the text of a policy file (`.tta/policy.yaml` or `.json`). The caller reads the
 * file; `source` is its name (or just `"yaml"`/`"json"`) and picks the format. An empty YAML file
 * overrides nothing.
 *
 * @throws LimitExceededError when the text is over {@link MAX_POLICY_FILE_BYTES}
 * @throws ValidationError on a syntax error, or naming every key that is unknown or out of range
 *   (`stages.plan.standard.deep.limit: must be at most 100000`)
 * @example
 * const overrides = parsePolicyFile("budgets:\n  standard: 12000\n", ".tta/policy.yaml");
 */
export function parsePolicyFile(text: string, source: string): PolicyOverrides {
  const size = utf8Length(text);
  if (size > MAX_POLICY_FILE_BYTES) {
    throw new LimitExceededError(
      `${source} is ${size} bytes; a policy file may have at most ${MAX_POLICY_FILE_BYTES} bytes.`,
      { field: "policy file", size, limit: MAX_POLICY_FILE_BYTES, file: source },
    );
  }
  const data = parseText(text, source);
  return parseOrThrow(PolicyOverrides, data, `policy file ${source}`);
}
