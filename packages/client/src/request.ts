import type { HttpBinding } from "@tta-dev/contract";

/** What is sent for one call: the URL (path and query filled in) and the fetch options. */
export interface OutgoingRequest {
  url: URL;
  init: RequestInit;
}

/** Who is calling: the bearer token and the namespace asked for, both optional. */
export interface Credentials {
  token?: string | undefined;
  namespace?: string | undefined;
}

/**
 * The request of one call under the contract's HTTP binding: path parameters fill `{field}` and leave
 * the input, GET and DELETE send the rest as a query string (arrays as repeated parameters, objects
 * as JSON), the other methods as a JSON body.
 */
export function buildRequest(
  base: string,
  http: Pick<HttpBinding, "method" | "path">,
  input: unknown,
  credentials: Credentials,
): OutgoingRequest {
  const fields: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  const path = http.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, key: string) => {
    const value = fields[key];
    delete fields[key];
    return encodeURIComponent(String(value ?? ""));
  });
  const url = new URL(base + path);
  const headers: Record<string, string> = { accept: "application/json" };
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
  if (credentials.namespace) headers["x-tta-namespace"] = credentials.namespace;
  if (http.method === "GET" || http.method === "DELETE") {
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      for (const text of Array.isArray(value) ? value.map(String) : [queryText(value)]) {
        url.searchParams.append(key, text);
      }
    }
    return { url, init: { method: http.method, headers } };
  }
  // Always, even for `{}`: the server refuses a body method without it (415).
  headers["content-type"] = "application/json";
  return { url, init: { method: http.method, headers, body: JSON.stringify(fields) } };
}

/** A query value: an object as JSON, anything else as its text. */
function queryText(value: unknown): string {
  return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
}
