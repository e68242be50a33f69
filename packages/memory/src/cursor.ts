import { ValidationError } from "@tta-dev/core";

/** Encode a page position as an opaque, URL-safe cursor. */
export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

/**
 * Decode a cursor made by {@link encodeCursor}; anything else fails `VALIDATION_FAILED`.
 *
 * @throws ValidationError
 */
export function decodeCursor(
  cursor: string,
  check: (value: Record<string, unknown>) => boolean,
): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    value = undefined;
  }
  if (
    typeof value !== "object" ||
    value === null ||
    Array.isArray(value) ||
    !check(value as Record<string, unknown>)
  ) {
    throw new ValidationError("cursor: not a cursor returned by this list", {
      issues: [{ path: "cursor", message: "invalid cursor" }],
    });
  }
  return value as Record<string, unknown>;
}
