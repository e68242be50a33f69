import { createHash, timingSafeEqual } from "node:crypto";
import { ForbiddenError, UnauthorizedError } from "@tta-dev/core";

/** A token scope; `admin` includes `write`, which includes `read`. */
export type TokenScope = "read" | "write" | "admin";

/** A configured bearer token: only its SHA-256 is stored. */
export interface TokenRecord {
  name: string;
  /** Hex SHA-256 of the token. */
  sha256: string;
  scopes: readonly TokenScope[];
  /** Namespaces it may touch; `*` means any. The first one is its default. */
  namespaces: readonly string[];
}

/** Who a request is, once authenticated. */
export interface Principal {
  name: string;
  scopes: readonly TokenScope[];
  namespaces: readonly string[];
}

const RANK: Record<TokenScope, number> = { read: 1, write: 2, admin: 3 };

/** Hex SHA-256 of a token, as stored in `.tta/config.yaml`. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * Find the token record for an `Authorization` header. Comparison is on hashes in constant time.
 *
 * @throws UnauthorizedError when the header is missing, malformed or unknown
 */
export function authenticate(header: string | undefined, tokens: readonly TokenRecord[]): Principal {
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header ?? "");
  if (!match) throw new UnauthorizedError("Send `Authorization: Bearer <token>`.");
  const digest = Buffer.from(hashToken(match[1]!), "hex");
  let found: TokenRecord | undefined;
  for (const t of tokens) {
    const stored = Buffer.from(t.sha256, "hex");
    if (stored.length === digest.length && timingSafeEqual(stored, digest)) found = t;
  }
  if (!found) throw new UnauthorizedError("Unknown bearer token.");
  return { name: found.name, scopes: found.scopes, namespaces: found.namespaces };
}

/** @throws ForbiddenError when the principal lacks the scope. */
export function requireScope(p: Principal, scope: TokenScope): void {
  const best = Math.max(0, ...p.scopes.map((s) => RANK[s]));
  if (best < RANK[scope]) {
    throw new ForbiddenError(`Token "${p.name}" lacks the "${scope}" scope.`, {
      token: p.name,
      required: scope,
    });
  }
}

/**
 * The namespace a request works in: the one it asks for when the token allows it, else the token's
 * first namespace. The request alone never decides.
 *
 * @throws ForbiddenError when the token may not touch the namespace asked for
 */
export function resolveNamespace(
  p: Principal | null,
  requested: string | undefined,
  fallback: string,
): string {
  if (!p) return requested ?? fallback;
  const allowed = p.namespaces;
  const wildcard = allowed.includes("*");
  const ns = requested ?? (wildcard ? fallback : (allowed[0] ?? fallback));
  if (!wildcard && !allowed.includes(ns)) {
    throw new ForbiddenError(`Token "${p.name}" may not touch namespace "${ns}".`, {
      token: p.name,
      namespace: ns,
    });
  }
  return ns;
}
