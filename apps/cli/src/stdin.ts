import { LimitExceededError } from "@tta-dev/core";
import type { CliInput } from "./io.js";

/**
 * Read all of stdin as UTF-8, but never more than `maxBytes`: past it, stop reading and fail
 * `LIMIT_EXCEEDED` (nothing is written). One trailing newline is dropped (`echo text | tta …`).
 */
export async function readStdin(input: CliInput, maxBytes: number, field: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : Buffer.from(chunk);
    size += buf.length;
    if (size > maxBytes) {
      input.destroy?.();
      throw new LimitExceededError(
        `${field} from stdin is over the limit of ${maxBytes} bytes; nothing was written.`,
        {
          field,
          limit: maxBytes,
          size: `>${maxBytes}`,
        },
      );
    }
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  return text.endsWith("\r\n") ? text.slice(0, -2) : text.endsWith("\n") ? text.slice(0, -1) : text;
}
