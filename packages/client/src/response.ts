import type { ErrorCode, ErrorDetails } from "@tta-dev/core";
import { TtaHttpError } from "./errors.js";

interface ErrorBody {
  error?: { code?: ErrorCode; message?: string; details?: ErrorDetails };
}

/**
 * The JSON of an answer: the result on a 2xx, else a {@link TtaHttpError} with the server's code,
 * message and details (`INTERNAL` when the body says nothing, or is not JSON).
 */
export function readAnswer(status: number, ok: boolean, text: string): unknown {
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new TtaHttpError(status, "INTERNAL", `The server answered ${status} with a body that is not JSON.`);
  }
  if (ok) return json;
  const e = (json as ErrorBody | undefined)?.error;
  throw new TtaHttpError(status, e?.code ?? "INTERNAL", e?.message ?? `HTTP ${status}`, e?.details);
}
