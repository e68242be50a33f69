import {
  type ExactInput,
  getOperation,
  type OperationName,
  type RawInputOf,
  type ResultOf,
} from "@tta-dev/contract";
import { type ErrorCode, TtaError } from "@tta-dev/core";

/** Options of {@link createTtaClient}. */
export interface TtaClientOptions {
  /** e.g. `http://127.0.0.1:7411` */
  baseUrl: string;
  /** Bearer token, when the server has tokens configured. */
  token?: string;
  /** Namespace to ask for (the token decides whether it is allowed). */
  namespace?: string;
  /** Custom fetch (default global fetch). */
  fetch?: typeof fetch;
}

/**
 * An error answered by the server: its code, message and details exactly as sent, and the HTTP status
 * apart (a domain detail may itself be called `status`).
 */
export class TtaHttpError extends TtaError {
  /** The HTTP status of the answer. */
  readonly status: number;

  constructor(status: number, code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.status = status;
  }
}

/**
 * A typed client: `call(name, input)` with the contract's input types and one result type per call
 * (`ResultOf`: a single `message.append` gives its `Message`, a batch `{ items }`).
 */
export interface TtaClient {
  call<N extends OperationName, I extends RawInputOf<N>>(
    name: N,
    input: ExactInput<N, I>,
  ): Promise<ResultOf<N, I>>;
}

/**
 * A client generated from the contract: the same operation names and types as the server.
 * Errors come back as {@link TtaHttpError}s (`TtaError`s) with the server's code, message and details;
 * a server that cannot be reached is `BACKEND_UNAVAILABLE`.
 *
 * @example
 * const tta = createTtaClient({ baseUrl: "http://127.0.0.1:7411", token: process.env.TTA_TOKEN });
 * const session = await tta.call("session.create", { id: "auth-design-2025-10-01", title: "Auth" });
 */
export function createTtaClient(options: TtaClientOptions): TtaClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");
  return {
    async call(name, input) {
      const op = getOperation(name);
      const fields = { ...(input as Record<string, unknown>) };
      const path = op.http.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, key: string) => {
        const v = fields[key];
        delete fields[key];
        return encodeURIComponent(String(v ?? ""));
      });
      const url = new URL(base + path);
      const headers: Record<string, string> = { accept: "application/json" };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      if (options.namespace) headers["x-tta-namespace"] = options.namespace;
      let body: string | undefined;
      if (op.http.method === "GET" || op.http.method === "DELETE") {
        for (const [k, v] of Object.entries(fields)) {
          if (v === undefined) continue;
          if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
          else url.searchParams.set(k, typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));
        }
      } else {
        // Always, even for `{}`: the server refuses a body method without it (415).
        headers["content-type"] = "application/json";
        body = JSON.stringify(fields);
      }
      let res: Response;
      let text: string;
      try {
        res = await doFetch(url, {
          method: op.http.method,
          headers,
          ...(body !== undefined ? { body } : {}),
        });
        text = await res.text();
      } catch (cause) {
        throw new TtaError(
          "BACKEND_UNAVAILABLE",
          `The tta server at ${base} could not be reached: ${(cause as Error)?.message ?? String(cause)}.`,
          { url: base },
          { cause },
        );
      }
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        throw new TtaHttpError(
          res.status,
          "INTERNAL",
          `The server answered ${res.status} with a body that is not JSON.`,
        );
      }
      if (!res.ok) {
        const e = (
          json as { error?: { code?: ErrorCode; message?: string; details?: Record<string, unknown> } }
        )?.error;
        throw new TtaHttpError(
          res.status,
          e?.code ?? "INTERNAL",
          e?.message ?? `HTTP ${res.status}`,
          e?.details,
        );
      }
      return json as ResultOf<typeof name>;
    },
  };
}
