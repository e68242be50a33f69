import { canonicalJson } from "@tta-dev/core";

/**
 * A copy of a JSON value with object keys sorted (UTF-16 code-unit order) at every depth. Objects
 * of the copy have no prototype, so a stored `"__proto__"` key stays an ordinary key.
 */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

/**
 * Characters written as `\uXXXX` escapes in JSON output although JSON allows them raw: C1 controls,
 * line and paragraph separators, bidi controls and the byte-order mark. They only ever occur inside
 * string literals, so the escaped text parses back to the same value.
 */
const INVISIBLE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * Pretty JSON (two spaces) with sorted keys, invisible characters escaped and `</` written `<\/`
 * (a legal JSON escape), so the same value always gives the same bytes and no string inside it
 * can close an XML-style wrapper.
 */
export function stableJson(value: unknown, indent = 2): string {
  return canonicalJson(value, indent)
    .replace(INVISIBLE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replaceAll("</", "<\\/");
}
