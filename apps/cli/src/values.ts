import type { CliValueType } from "@tta-dev/contract";
import { FORBIDDEN_KEYS, parseDuration, ValidationError } from "@tta-dev/core";

export { parseDuration };

function fail(label: string, message: string): never {
  throw new ValidationError(`${label}: ${message}`, { issues: [{ path: label, message }] });
}

/** Parse JSON, failing `VALIDATION_FAILED` with the parser's reason. */
export function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail(label, `invalid JSON (${(error as Error).message})`);
  }
}

/** `key=value` words → one object; the value is JSON when it parses as JSON, else the string itself. */
export function parseKeyValues(words: readonly string[], label: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const word of words) {
    const eq = word.indexOf("=");
    if (eq <= 0) fail(label, `expected key=value, got ${JSON.stringify(word)}`);
    const key = word.slice(0, eq);
    if (FORBIDDEN_KEYS.has(key)) fail(label, `the key "${key}" is not allowed`);
    const text = word.slice(eq + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Turn one command-line word (or several, for `keyvalue`) into the value of an input field. */
export function convertValue(type: CliValueType, raw: string | readonly string[], label: string): unknown {
  if (type === "keyvalue") return parseKeyValues(typeof raw === "string" ? [raw] : raw, label);
  if (typeof raw !== "string") return raw.map((r) => convertValue(type, r, label));
  switch (type) {
    case "string":
    case "boolean":
      return raw;
    case "integer":
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(Number(raw))) {
        fail(label, `must be an integer, got ${JSON.stringify(raw)}`);
      }
      return Number(raw);
    case "number": {
      const n = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(n))
        fail(label, `must be a number, got ${JSON.stringify(raw)}`);
      return n;
    }
    case "json":
      return parseJson(raw, label);
    case "duration":
      return parseDuration(raw, label);
  }
}
