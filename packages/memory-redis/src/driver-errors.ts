import {
  BackendCorruptError,
  BackendUnavailableError,
  InternalError,
  isTtaError,
  type TtaError,
} from "@tta-dev/core";

const CORRUPT = /WRONGTYPE|TTACORRUPT|not an integer|not a valid float/;
const UNAVAILABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|Connection is closed|Stream isn't writeable|Command timed out|max retries per request|MaxRetriesPerRequest|Failed to refresh slots cache|None of the startup nodes|Cluster isn't ready|ClusterAllFailedError|socket hang up/i;
const UNAVAILABLE_REPLY =
  /^(LOADING|CLUSTERDOWN|TRYAGAIN|MASTERDOWN|READONLY|BUSY|OOM|NOAUTH|WRONGPASS|NOREPLICAS)\b/;

/**
 * The one place where driver errors become tta errors: wrong types and malformed data under our
 * keys → `BACKEND_CORRUPT`; connection, timeout, loading and cluster-down errors →
 * `BACKEND_UNAVAILABLE`; anything else → `INTERNAL` (a bug). tta errors pass through.
 */
export function mapDriverError(err: unknown, operation: string, place: string): TtaError {
  if (isTtaError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : "";
  if (CORRUPT.test(message)) {
    return new BackendCorruptError(
      `Corrupt data in Redis at ${place} (${operation}): ${message.split("\n")[0]}`,
      { place, operation },
      { cause: err },
    );
  }
  if (UNAVAILABLE.test(message) || UNAVAILABLE.test(name) || UNAVAILABLE_REPLY.test(message)) {
    return new BackendUnavailableError(
      `Redis is unavailable (${operation} on ${place}): ${message}`,
      { backend: "redis", operation, place },
      { cause: err },
    );
  }
  return new InternalError(
    `Unexpected Redis error (${operation} on ${place}): ${message}`,
    { operation, place },
    { cause: err },
  );
}
