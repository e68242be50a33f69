import { ValidationError } from "@tta-dev/core";
import { hashToken, type TokenRecord, type TokenScope } from "./auth.js";

/** Configured tokens as `.tta/config.yaml` holds them (`http.tokens`). */
export interface TokenConfig {
  name: string;
  sha256: string;
  scopes: readonly TokenScope[];
  namespaces: readonly string[];
}

/**
 * The tokens a server accepts: the configured ones (stored as SHA-256 only) and, when set,
 * `TTA_HTTP_TOKEN` — a plain token held in the environment with every scope, on the namespaces of
 * `TTA_HTTP_TOKEN_NAMESPACES` (comma-separated; default `*`, any namespace).
 */
export function resolveTokens(
  configured: readonly TokenConfig[] | undefined,
  env: Record<string, string | undefined>,
): TokenRecord[] {
  const out: TokenRecord[] = (configured ?? []).map((t) => ({ ...t }));
  const plain = env.TTA_HTTP_TOKEN;
  if (plain !== undefined && plain !== "") {
    if (!/^[\x21-\x7e]{16,512}$/.test(plain)) {
      throw new ValidationError("TTA_HTTP_TOKEN: must be 16-512 printable ASCII characters without spaces.", {
        issues: [{ path: "TTA_HTTP_TOKEN", message: "too short or not printable ASCII" }],
      });
    }
    const namespaces = (env.TTA_HTTP_TOKEN_NAMESPACES ?? "*")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    out.push({
      name: "TTA_HTTP_TOKEN",
      sha256: hashToken(plain),
      scopes: ["read", "write", "admin"],
      namespaces,
    });
  }
  return out;
}
