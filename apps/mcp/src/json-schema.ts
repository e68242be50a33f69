import type { Operation } from "@tta-dev/contract";
import { JsonValue, Metadata } from "@tta-dev/core";
import { z } from "zod";

/** A JSON Schema object as plain data. */
export type JsonSchema = Record<string, unknown>;

// Metadata and JSON values are checked by one walk without recursion: describe them plainly.
function override(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  if (ctx.zodSchema === Metadata) {
    for (const k of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[k];
    Object.assign(ctx.jsonSchema, { type: "object", additionalProperties: {} });
  } else if (ctx.zodSchema === JsonValue) {
    for (const k of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[k];
  }
}

function toSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  // Draft 7 is what clients validate with; the `$schema` key would make some of them refuse it.
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    target: "draft-7",
    io,
    unrepresentable: "any",
    reused: "ref",
    override: override as never,
  }) as JsonSchema;
  return rest;
}

const inputs = new Map<string, JsonSchema>();
const outputs = new Map<string, JsonSchema | null>();

/** The tool's `inputSchema`: the contract's input schema as JSON Schema (an object). */
export function inputSchemaOf(op: Operation): JsonSchema {
  let schema = inputs.get(op.name);
  if (!schema) {
    schema = toSchema(op.input, "input");
    if (schema.type !== "object") schema = { type: "object", ...schema };
    inputs.set(op.name, schema);
  }
  return schema;
}

/**
 * The tool's `outputSchema`, or `null` when the output is not always an object (MCP structured content
 * must be one): `cache.get`, whose output may be `null`.
 */
export function outputSchemaOf(op: Operation): JsonSchema | null {
  if (outputs.has(op.name)) return outputs.get(op.name)!;
  let schema: JsonSchema | null = toSchema(op.output, "output");
  if (schema.type !== "object") {
    const defs = (schema.definitions ?? {}) as Record<string, JsonSchema>;
    const resolved = (b: JsonSchema) =>
      typeof b.$ref === "string" ? defs[b.$ref.replace("#/definitions/", "")] : b;
    const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
    schema = branches?.every((b) => resolved(b)?.type === "object") ? { type: "object", ...schema } : null;
  }
  outputs.set(op.name, schema);
  return schema;
}
