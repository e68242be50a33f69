import {
  type ExactInput,
  getOperation,
  isOperationName,
  isStreamed,
  type JsonOperationName,
  type OutputOf,
  type RawInputOf,
  type ResultOf,
} from "@tta-dev/contract";
import { TtaError, ValidationError } from "@tta-dev/core";
import {
  type BundleDownload,
  type BundleUpload,
  bundleMethods,
  type ImportBundleOptions,
} from "./bundles.js";
import { UnknownOperationError } from "./errors.js";
import { buildRequest } from "./request.js";
import { readAnswer } from "./response.js";

/** Options of {@link createTtaClient}. */
export interface TtaClientOptions {
  /** e.g. `http://127.0.0.1:7411` */
  baseUrl: string;
  /** Bearer token, when the server has tokens configured. */
  token?: string | undefined;
  /** Namespace to ask for (the token decides whether it is allowed). */
  namespace?: string | undefined;
  /** Custom fetch (default global fetch). */
  fetch?: typeof fetch | undefined;
}

/**
 * A typed client: `call(name, input)` with the contract's input types and one result type per call
 * (`ResultOf`: a single `message.append` gives its `Message`, a batch `{ items }`), for every JSON
 * operation; the two streamed ones have a method each.
 */
export interface TtaClient {
  // `const I`: without it a literal such as `role: "user"` widens, the inference of `I` fails, and
  // `I` falls back to the whole input type, so a single append would be typed as the union.
  call<N extends JsonOperationName, const I extends RawInputOf<N>>(
    name: N,
    input: ExactInput<N, I>,
  ): Promise<ResultOf<N, I>>;
  /** `system.export`: the namespace's bundle as it streams (`GET /v1/export`). */
  exportBundle(input?: RawInputOf<"system.export">): Promise<BundleDownload>;
  /** `system.import`: a bundle as the request body (`POST /v1/import`); the receipt. */
  importBundle(
    bundle: BundleUpload,
    input?: RawInputOf<"system.import">,
    options?: ImportBundleOptions,
  ): Promise<OutputOf<"system.import">>;
}

/**
 * A client generated from the contract: the same operation names and types as the server.
 * Errors come back as {@link TtaHttpError}s (`TtaError`s) with the server's code, message and details;
 * a server that cannot be reached is `BACKEND_UNAVAILABLE`; a name the contract does not declare is an
 * {@link UnknownOperationError}, before any request.
 *
 * @example
 * const tta = createTtaClient({ baseUrl: "http://127.0.0.1:7411", token: process.env.TTA_TOKEN });
 * const session = await tta.call("session.create", { id: "auth-design-2025-10-01", title: "Auth" });
 */
export function createTtaClient(options: TtaClientOptions): TtaClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, "");
  return {
    ...bundleMethods(base, doFetch, options),
    async call(name, input) {
      if (!isOperationName(name)) throw new UnknownOperationError(name);
      if (isStreamed(getOperation(name))) {
        throw new ValidationError(
          `${name} streams its body: call exportBundle() or importBundle() instead of call().`,
          { operation: name },
        );
      }
      const { url, init } = buildRequest(base, getOperation(name).http, input, options);
      let res: Response;
      let text: string;
      try {
        res = await doFetch(url, init);
        text = await res.text();
      } catch (cause) {
        throw new TtaError(
          "BACKEND_UNAVAILABLE",
          `The tta server at ${base} could not be reached: ${(cause as Error)?.message ?? String(cause)}.`,
          { url: base },
          { cause },
        );
      }
      return readAnswer(res.status, res.ok, text) as ResultOf<typeof name>;
    },
  };
}
