import type { Deserialize, Serialize } from "keyv";

/**
 * How the backend's values travel through Keyv. Every value it writes is already a string of JSON
 * (or a number), so Keyv's default serializer would only wrap and escape it a second time. This
 * one stores the string as is, prefixed with `E<epoch ms>|` when Keyv carries an expiry. The
 * backend always uses it, whichever Keyv it is given, so its data reads the same however the
 * store is passed in. Nothing the backend writes starts with `E`.
 */
export const serializeForKeyv: Serialize = (data) => {
  const text = String(data.value);
  return typeof data.expires === "number" ? `E${data.expires}|${text}` : text;
};

/** Inverse of {@link serializeForKeyv}; anything malformed is passed on for the codec to reject. */
export const deserializeForKeyv: Deserialize = <Value>(text: string) => {
  if (text.startsWith("E")) {
    const bar = text.indexOf("|");
    const expires = Number(text.slice(1, bar));
    if (bar > 1 && Number.isSafeInteger(expires)) return { value: text.slice(bar + 1) as Value, expires };
  }
  return { value: text as Value, expires: undefined };
};
