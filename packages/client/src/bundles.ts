import {
  GZIP_MEDIA_TYPE,
  getOperation,
  NDJSON_MEDIA_TYPE,
  type OutputOf,
  type RawInputOf,
} from "@tta-dev/contract";
import { TtaError } from "@tta-dev/core";
import { buildRequest, type Credentials } from "./request.js";
import { readAnswer } from "./response.js";

/** A bundle as `exportBundle` gives it: its media type, its bytes as they arrive, and its lines. */
export interface BundleDownload {
  /** `application/x-ndjson`, or `application/gzip` when asked with `gzip: true`. */
  mediaType: string;
  /** The response body, read once: cancel it to stop the export on the server. */
  body: ReadableStream<Uint8Array>;
  /** The bundle's lines (gunzipped when gzip), without their newlines; reads `body`. */
  lines(): AsyncGenerator<string>;
}

/** What `importBundle` sends: the bundle's bytes or text, whole or as a stream. */
export type BundleUpload =
  | string
  | Uint8Array
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array | string>;

/** Options of `importBundle`. */
export interface ImportBundleOptions {
  /** Send as `application/gzip`; default: a `Uint8Array` starting with the gzip magic bytes. */
  gzip?: boolean;
}

function unreachable(base: string, cause: unknown): TtaError {
  return new TtaError(
    "BACKEND_UNAVAILABLE",
    `The tta server at ${base} could not be reached: ${(cause as Error)?.message ?? String(cause)}.`,
    { url: base },
    { cause },
  );
}

async function* linesOf(body: ReadableStream<Uint8Array>, gzip: boolean): AsyncGenerator<string> {
  const text = (gzip ? body.pipeThrough(new DecompressionStream("gzip")) : body).pipeThrough(
    new TextDecoderStream(),
  );
  const reader = text.getReader();
  let pending = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += value;
      let at = pending.indexOf("\n");
      while (at !== -1) {
        yield pending.slice(0, at);
        pending = pending.slice(at + 1);
        at = pending.indexOf("\n");
      }
    }
    if (pending) yield pending;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function toStream(upload: BundleUpload): NonNullable<RequestInit["body"]> {
  if (typeof upload === "string" || upload instanceof Uint8Array || upload instanceof ReadableStream) {
    return upload as NonNullable<RequestInit["body"]>;
  }
  const it = upload[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await it.next();
      if (next.done) controller.close();
      else controller.enqueue(typeof next.value === "string" ? encoder.encode(next.value) : next.value);
    },
    async cancel() {
      await it.return?.();
    },
  });
}

/** The stream methods of the client, over `fetch`: `GET /v1/export` and `POST /v1/import`. */
export function bundleMethods(base: string, doFetch: typeof fetch, credentials: Credentials) {
  return {
    async exportBundle(input: RawInputOf<"system.export"> = {}): Promise<BundleDownload> {
      const { url, init } = buildRequest(base, getOperation("system.export").http, input, credentials);
      const accept = input.gzip ? GZIP_MEDIA_TYPE : NDJSON_MEDIA_TYPE;
      let res: Response;
      try {
        res = await doFetch(url, { ...init, headers: { ...(init.headers as object), accept } });
      } catch (cause) {
        throw unreachable(base, cause);
      }
      if (!res.ok || !res.body) readAnswer(res.status, false, await res.text());
      const mediaType = res.headers.get("content-type") ?? NDJSON_MEDIA_TYPE;
      const body = res.body!;
      return { mediaType, body, lines: () => linesOf(body, mediaType === GZIP_MEDIA_TYPE) };
    },

    async importBundle(
      bundle: BundleUpload,
      input: RawInputOf<"system.import"> = {},
      options: ImportBundleOptions = {},
    ): Promise<OutputOf<"system.import">> {
      const op = getOperation("system.import").http;
      // The input goes in the query string, as for a GET: the body is the bundle.
      const { url, init } = buildRequest(base, { method: "GET", path: op.path }, input, credentials);
      const gzip =
        options.gzip ??
        (bundle instanceof Uint8Array && bundle.length >= 2 && bundle[0] === 0x1f && bundle[1] === 0x8b);
      const body = toStream(bundle);
      let res: Response;
      let text: string;
      try {
        res = await doFetch(url, {
          method: "POST",
          headers: {
            ...(init.headers as object),
            "content-type": gzip ? GZIP_MEDIA_TYPE : NDJSON_MEDIA_TYPE,
          },
          body,
          ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
        } as RequestInit);
        text = await res.text();
      } catch (cause) {
        throw unreachable(base, cause);
      }
      return readAnswer(res.status, res.ok, text) as OutputOf<"system.import">;
    },
  };
}
