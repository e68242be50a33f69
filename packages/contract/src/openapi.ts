import { ERROR_CODES, type ErrorCode, JsonValue } from "@tta-dev/core";
import { z } from "zod";
import type { Operation } from "./define.js";
import { JsonValueField, MetadataField } from "./fields.js";
import { OPERATION_LIST } from "./registry.js";
import { namedSchemas } from "./schema-names.js";

/** A JSON Schema or OpenAPI object, as plain data. */
export type JsonObject = Record<string, unknown>;

/** Options of {@link buildOpenApi}. */
export interface OpenApiOptions {
  /** The app's code → HTTP status table (apps own it; the contract does not). */
  errorStatus: Readonly<Record<ErrorCode, number>>;
  title?: string;
  version?: string;
  servers?: readonly { url: string; description?: string }[];
}

const REF = "#/components/schemas/";

/** The JSON Schema of any JSON value (the `JsonValue` component refers to itself). */
const JSON_VALUE_SCHEMA: JsonObject = {
  anyOf: [
    { type: "string" },
    { type: "number" },
    { type: "boolean" },
    { type: "null" },
    { type: "array", items: { $ref: `${REF}JsonValue` } },
    { type: "object", additionalProperties: { $ref: `${REF}JsonValue` } },
  ],
};

/** `session.create` → `sessionCreate`; `group.addSession` → `groupAddSession`. */
export function operationId(name: string): string {
  return name.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
}

function pascal(name: string): string {
  const id = operationId(name);
  return id.charAt(0).toUpperCase() + id.slice(1);
}

function componentsFor(io: "input" | "output", entries: [z.ZodType, string][]): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  const seen = new Map<z.ZodType, string>();
  for (const [schema, id] of entries) {
    if (seen.has(schema)) continue;
    seen.set(schema, id);
    registry.add(schema, { id });
  }
  const out = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    uri: (id) => REF + id,
    // JSON values and metadata are checked by one walk without recursion (no zod shape to show):
    // describe them as the usual recursive JSON Schema.
    override: (ctx) => {
      const schema = ctx.zodSchema as unknown;
      if (schema === JsonValue) {
        delete ctx.jsonSchema.type;
        Object.assign(ctx.jsonSchema, JSON_VALUE_SCHEMA);
      } else if (schema === MetadataField) {
        Object.assign(ctx.jsonSchema, { type: "object", additionalProperties: { $ref: `${REF}JsonValue` } });
      } else if (schema === JsonValueField) {
        delete ctx.jsonSchema.type;
        Object.assign(ctx.jsonSchema, { $ref: `${REF}JsonValue` });
      }
    },
  });
  const text = JSON.stringify(out.schemas).replace(
    /#\/components\/schemas\/__shared#\/\$defs\/(\w+)/g,
    `${REF}Shared_$1`,
  );
  const schemas = JSON.parse(text) as Record<string, JsonObject>;
  const result: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _s, $id: _i, $defs, ...rest } = schema;
    if (id === "__shared") {
      for (const [def, s] of Object.entries(($defs ?? {}) as Record<string, JsonObject>))
        result[`Shared_${def}`] = s;
      continue;
    }
    if ($defs) throw new Error(`unexpected nested $defs in ${id}`);
    result[id] = rest;
  }
  return result;
}

/** The id a schema got: the first registered for that schema object. */
function idOf(entries: [z.ZodType, string][], schema: z.ZodType): string {
  return entries.find(([s]) => s === schema)![1];
}

const ErrorSchema: JsonObject = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "details"],
      properties: {
        code: { type: "string", enum: [...ERROR_CODES] },
        message: { type: "string" },
        details: { type: "object" },
      },
    },
  },
};

/** A streamed body: NDJSON lines as text, anything else as bytes. */
function streamSchema(mediaType: string): JsonObject {
  return mediaType === "application/x-ndjson"
    ? { schema: { type: "string", description: "NDJSON: one JSON object a line" } }
    : { schema: { type: "string", contentEncoding: "binary" } };
}

function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

function operationObject(
  op: Operation,
  input: JsonObject,
  outputRef: string,
  options: OpenApiOptions,
): JsonObject {
  const props = (input.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((input.required ?? []) as string[]);
  const inPath = pathParams(op.http.path);
  const parameters: JsonObject[] = inPath.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: props[name] ?? { type: "string" },
  }));
  const rest = Object.keys(props).filter((k) => !inPath.includes(k));
  let requestBody: JsonObject | undefined;
  const stream = op.http.requestStream;
  if (op.http.method === "GET" || op.http.method === "DELETE" || stream) {
    for (const name of rest) {
      const schema = props[name]!;
      parameters.push({
        name,
        in: "query",
        required: required.has(name),
        schema,
        ...(schema.type === "array" ? { style: "form", explode: true } : {}),
      });
    }
  } else {
    const body: JsonObject = { ...input, properties: Object.fromEntries(rest.map((k) => [k, props[k]])) };
    const bodyRequired = rest.filter((k) => required.has(k));
    if (bodyRequired.length) body.required = bodyRequired;
    else delete body.required;
    requestBody = { required: bodyRequired.length > 0, content: { "application/json": { schema: body } } };
  }
  if (stream) {
    requestBody = {
      required: true,
      content: Object.fromEntries(stream.mediaTypes.map((type) => [type, streamSchema(type)])),
    };
  }
  const codes = [...new Set<ErrorCode>([...op.errors, "UNAUTHORIZED", "FORBIDDEN"])];
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = options.errorStatus[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const answer = op.http.responseStream;
  const responses: JsonObject = {
    [String(op.http.status ?? 200)]: answer
      ? {
          description: "Success: the body is streamed (chunked)",
          content: Object.fromEntries(answer.mediaTypes.map((type) => [type, streamSchema(type)])),
        }
      : { description: "Success", content: { "application/json": { schema: { $ref: outputRef } } } },
  };
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[String(status)] = {
      description: `Error: ${list.join(", ")}`,
      content: { "application/json": { schema: { $ref: `${REF}Error` } } },
    };
  }
  return {
    operationId: operationId(op.name),
    summary: op.summary,
    tags: [op.name.split(".")[0]],
    "x-tta-operation": op.name,
    "x-tta-scope": op.http.scope,
    "x-error-codes": codes,
    parameters,
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of every operation: input and output schemas as components, the error
 * body `{ error: { code, message, details } }` under each status the app maps the operation's codes
 * to, and bearer authentication.
 *
 * @example
 * app.get("/openapi.json", (c) => c.json(buildOpenApi({ errorStatus: ERROR_STATUS })));
 */
export function buildOpenApi(options: OpenApiOptions): JsonObject {
  const named = namedSchemas();
  const inputs: [z.ZodType, string][] = [[JsonValue, "JsonValue"]];
  const outputs: [z.ZodType, string][] = [...named];
  for (const op of OPERATION_LIST) {
    inputs.push([op.input, `${pascal(op.name)}Input`]);
    // A streamed answer has no JSON schema: its media types describe it.
    if (!op.http.responseStream) outputs.push([op.output, `${pascal(op.name)}Output`]);
  }
  const inputSchemas = componentsFor("input", inputs);
  const outputSchemas = componentsFor("output", outputs);
  const paths: Record<string, JsonObject> = {};
  for (const op of OPERATION_LIST) {
    const input = inputSchemas[idOf(inputs, op.input)]!;
    const item = paths[op.http.path] ?? {};
    const outputRef = op.http.responseStream ? "" : REF + idOf(outputs, op.output);
    item[op.http.method.toLowerCase()] = operationObject(op, input, outputRef, options);
    paths[op.http.path] = item;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: options.title ?? "tta",
      version: options.version ?? "0.1.0",
      description: "Session management and stage-aware layered memory for AI-agent development.",
    },
    ...(options.servers ? { servers: options.servers } : {}),
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
      schemas: { ...inputSchemas, ...outputSchemas, Error: ErrorSchema },
    },
  };
}
