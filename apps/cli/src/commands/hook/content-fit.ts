/** `text` cut to at most `bytes` UTF-8 bytes, on a character boundary, marked when cut. */
export function fit(text: string, bytes: number): string {
  if (Buffer.byteLength(text, "utf8") <= bytes) return text;
  const mark = "\n[… cut by tta: over the message limit]";
  let cut = Buffer.from(text, "utf8")
    .subarray(0, Math.max(0, bytes - Buffer.byteLength(mark)))
    .toString("utf8");
  if (cut.endsWith("\uFFFD")) cut = cut.slice(0, -1);
  return cut + mark;
}
