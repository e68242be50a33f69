import { createHash } from "node:crypto";
import { encodeTime } from "ulid";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * The id of a lesson that completing a session stores: `mem_` and a ULID whose time is the session's
 * creation and whose 80 random bits come from a hash of the session and the lesson's text. The same
 * lesson of the same session always gets the same id, so a retried `complete` writes nothing twice,
 * while a session deleted and created again under the same name gets new ids.
 *
 * @example
 * lessonMemoryId("auth-design-2025-10-01", "2025-10-01T09:00:00.000Z", "Rotate refresh tokens");
 */
export function lessonMemoryId(sessionId: string, sessionCreatedAt: string, content: string): string {
  return hashedMemoryId(
    Date.parse(sessionCreatedAt),
    `lesson\n${sessionId}\n${sessionCreatedAt}\n${content}`,
  );
}

/** `mem_` and a ULID of time `timeMs` whose 80 random bits are the first of the SHA-256 of `seed`. */
export function hashedMemoryId(timeMs: number, seed: string): string {
  const digest = createHash("sha256").update(seed).digest();
  let bits = 0n;
  for (let i = 0; i < 10; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  let random = "";
  for (let i = 0; i < 16; i++) {
    random = CROCKFORD[Number(bits & 31n)]! + random;
    bits >>= 5n;
  }
  return `mem_${encodeTime(timeMs, 10)}${random}`;
}
