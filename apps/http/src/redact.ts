import { realpathSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";
import type { ErrorCode, ErrorJson, TtaError } from "@tta-dev/core";

/** Codes whose messages and details come from a backend and may name its internals: redacted. */
export const REDACTED_CODES: ReadonlySet<ErrorCode> = new Set(["BACKEND_CORRUPT", "BACKEND_UNAVAILABLE"]);

/** Details that name a store's internals (Redis and Keyv key names, driver addresses): never sent. */
const DROPPED_KEYS = new Set([
  "place",
  "key",
  "keys",
  "redisKey",
  "url",
  "address",
  "addresses",
  "host",
  "port",
  "node",
  "nodes",
]);

/** Details that hold a file-system path: named relative to the data directory, or not at all. */
const PATH_KEYS = new Set(["file", "path", "lock", "root", "dir", "dataDir", "tmp", "target"]);

const URL_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]+/gi;
const ABSOLUTE_POSIX = /(^|[\s"'`(=,[])\/(?!\/)[^\s"'`),;]*/g;
const ABSOLUTE_WINDOWS = /\b[A-Za-z]:\\[^\s"'`),;]*|\\\\[^\s"'`),;]+/g;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g;
const AFTER_ERRNO =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EADDRNOTAVAIL)\s+[^\s,;)]+/g;
// Redis keys carry a `{hash tag}`; nothing else in a backend message does.
const HASH_TAGGED_KEY = /[^\s"'`(),]*\{[^}\s]*\}[^\s"'`(),]*/g;
const MAX_DEPTH = 8;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A function from an error to the `{ code, message, details }` a remote client may see. */
export type Redactor = (e: TtaError) => ErrorJson;

/**
 * Errors of a backend (`BACKEND_CORRUPT`, `BACKEND_UNAVAILABLE`) made fit for a remote client:
 * files are named relative to the data directory; other absolute paths, URLs, addresses and key
 * names become `<path>`, `<url>`, `<address>` and `<key>`; details naming key names or driver
 * addresses are dropped. Other errors are returned whole (their details are the client's own input).
 * The full error is for the server log.
 *
 * @example
 * const redact = errorRedactor(resolved.dataDir);
 * c.json({ error: redact(e) }, 500);
 */
export function errorRedactor(dataDir?: string): Redactor {
  const roots = new Set<string>();
  if (dataDir) {
    roots.add(dataDir);
    try {
      roots.add(realpathSync(dataDir));
    } catch {
      /* not created yet: only the configured spelling can appear */
    }
  }
  // Longest first, so that a real path containing the configured one is matched whole.
  const dirs = [...roots]
    .sort((a, b) => b.length - a.length)
    .map((d) => new RegExp(`${escapeRegExp(d)}(?:${escapeRegExp(sep)}|(?=[\\s"'\`),;:]|$))`, "g"));

  const path = (value: string, secrets: readonly string[]): string => {
    if (!isAbsolute(value)) return text(value, secrets);
    for (const root of roots) {
      const rel = relative(root, value);
      if (rel === "") return ".";
      if (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) return rel;
    }
    return "<path>";
  };

  const text = (value: string, secrets: readonly string[]): string => {
    let out = value;
    // Dropped details first: a key name in `place` is also spelt out in the message.
    for (const s of secrets) out = out.split(s).join("<key>");
    out = out.replace(URL_TEXT, "<url>");
    for (const dir of dirs) out = out.replace(dir, (m) => (m.endsWith(sep) ? "" : "."));
    return out
      .replace(ABSOLUTE_POSIX, "$1<path>")
      .replace(ABSOLUTE_WINDOWS, "<path>")
      .replace(AFTER_ERRNO, "$1 <address>")
      .replace(IPV4, "<address>")
      .replace(HASH_TAGGED_KEY, "<key>");
  };

  const value = (v: unknown, secrets: readonly string[], depth: number, key: string): unknown => {
    if (typeof v === "string") return PATH_KEYS.has(key) ? path(v, secrets) : text(v, secrets);
    if (Array.isArray(v)) return depth >= MAX_DEPTH ? [] : v.map((x) => value(x, secrets, depth + 1, key));
    if (v && typeof v === "object") return details(v as Record<string, unknown>, secrets, depth + 1);
    return v;
  };

  const details = (d: Record<string, unknown>, secrets: readonly string[], depth: number) => {
    const out: Record<string, unknown> = {};
    if (depth >= MAX_DEPTH) return out;
    for (const [k, v] of Object.entries(d)) {
      if (!DROPPED_KEYS.has(k)) out[k] = value(v, secrets, depth, k);
    }
    return out;
  };

  return (e) => {
    if (!REDACTED_CODES.has(e.code)) return e.toJSON();
    const secrets: string[] = [];
    collectSecrets(e.details, secrets, 0);
    // Longest first, so that a key is replaced whole before a shorter one inside it.
    secrets.sort((a, b) => b.length - a.length);
    return { code: e.code, message: text(e.message, secrets), details: details(e.details, secrets, 0) };
  };
}

/** The string values of dropped details, at any depth, so that the message loses them too. */
function collectSecrets(d: Record<string, unknown>, secrets: string[], depth: number): void {
  for (const [k, v] of Object.entries(d)) {
    if (DROPPED_KEYS.has(k)) {
      // Only what looks like a key or an address: `place: "server"` must not blank the word.
      for (const s of [v].flat()) if (typeof s === "string" && /[:{}/.]/.test(s)) secrets.push(s);
    } else if (v && typeof v === "object" && !Array.isArray(v) && depth < MAX_DEPTH) {
      collectSecrets(v as Record<string, unknown>, secrets, depth + 1);
    }
  }
}
