import { buildOpenApi } from "@tta-dev/contract";
import { NAMESPACE_REGEX } from "@tta-dev/core";
import { HTTP_STATUS } from "./status.js";

type Operation = { parameters?: unknown[]; responses?: Record<string, unknown> };
type Doc = { paths: Record<string, Record<string, Operation>> };

/** The `x-tta-namespace` request header, as the server reads it. */
const NAMESPACE_HEADER = {
  name: "x-tta-namespace",
  in: "header",
  required: false,
  description:
    "Namespace to work in. Honoured only when the bearer token lists it (or `*`); default: the token's first namespace, or the server's namespace without tokens.",
  schema: { type: "string", pattern: NAMESPACE_REGEX.source },
} as const;

const REQUEST_ID_HEADER = {
  name: "x-request-id",
  in: "header",
  required: false,
  description: "Request id to log and echo (1-64 of `A-Za-z0-9._-`); made up when absent or invalid.",
  schema: { type: "string", pattern: "^[A-Za-z0-9._-]{1,64}$" },
} as const;

/** The answer of the request guard to a body method without `Content-Type: application/json`. */
const UNSUPPORTED_MEDIA_TYPE = {
  description: "Error: VALIDATION_FAILED (the request's Content-Type is not application/json)",
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
} as const;

/**
 * The OpenAPI 3.1 document of the server: the contract's, with the headers the HTTP edge reads
 * (`x-tta-namespace`, `x-request-id`) on every operation and the 415 of the request guard on every
 * operation with a body.
 */
export function serverOpenApi(version: string): Record<string, unknown> {
  const doc = buildOpenApi({ errorStatus: HTTP_STATUS, title: "tta", version }) as unknown as Doc;
  for (const item of Object.values(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      op.parameters = [...(op.parameters ?? []), NAMESPACE_HEADER, REQUEST_ID_HEADER];
      if (method === "post" || method === "put" || method === "patch") {
        op.responses = { ...op.responses, "415": UNSUPPORTED_MEDIA_TYPE };
      }
    }
  }
  return doc as unknown as Record<string, unknown>;
}
