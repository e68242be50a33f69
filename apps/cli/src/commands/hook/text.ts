/*
 * Text helpers shared by the Claude Code hook and `tta import transcript`, so that both store a
 * message the same way.
 */

/** What a cut message ends with. */
export const CUT_MARK = "\n[… cut by tta: over the message limit]";

/**
 * `text` cut to at most `bytes` UTF-8 bytes, on a character boundary, marked when cut: a message
 * over the limit is kept in part rather than refused.
 *
 * @example
 * fit("é".repeat(10), 50); // 10 characters fit: unchanged
 */
export function fit(text: string, bytes: number): string {
  if (Buffer.byteLength(text, "utf8") <= bytes) return text;
  let cut = Buffer.from(text, "utf8")
    .subarray(0, Math.max(0, bytes - Buffer.byteLength(CUT_MARK)))
    .toString("utf8");
  if (cut.endsWith("\uFFFD")) cut = cut.slice(0, -1);
  return cut + CUT_MARK;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `text` holds half of a surrogate pair alone (it is not well-formed text, and no key). */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}
