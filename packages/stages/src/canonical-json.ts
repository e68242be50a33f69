import { createHash } from "node:crypto";
import { canonicalJson } from "@tta-dev/core";

/** Core's canonical JSON, re-exported for this package's users: the policy hash is taken over it. */
export { canonicalJson };

/**
 * The first 16 hex characters of the SHA-256 of a value's {@link canonicalJson}.
 *
 * @example
 * stableHash({ b: 1, a: 2 }) === stableHash({ a: 2, b: 1 }); // true
 */
export function stableHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 16);
}
