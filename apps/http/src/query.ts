import { z } from "zod";

type JsonSchema = {
  type?: string | string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
};

function typeOf(s: JsonSchema | undefined): string | undefined {
  if (!s) return undefined;
  if (typeof s.type === "string") return s.type;
  if (Array.isArray(s.type)) return s.type.find((t) => t !== "null");
  if (s.anyOf) return s.anyOf.map(typeOf).find((t) => t && t !== "null");
  return undefined;
}

/** Per field of an input schema, the JSON type a query-string value must be turned into. */
export function queryShape(input: z.ZodType): Record<string, { type?: string; itemType?: string }> {
  let schema: JsonSchema;
  try {
    schema = z.toJSONSchema(input, { io: "input", unrepresentable: "any" }) as JsonSchema;
  } catch {
    return {};
  }
  const out: Record<string, { type?: string; itemType?: string }> = {};
  for (const [k, v] of Object.entries(schema.properties ?? {})) {
    const type = typeOf(v);
    out[k] = { type, ...(type === "array" ? { itemType: typeOf(v.items) } : {}) };
  }
  return out;
}

function scalar(value: string, type: string | undefined): unknown {
  if (type === "integer" || type === "number") return value.trim() === "" ? value : Number(value);
  if (type === "boolean") return value === "true" ? true : value === "false" ? false : value;
  if (type === "object") {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

/**
 * Turn query parameters into input fields: numbers and booleans by the schema's types, repeated or
 * array fields into arrays. Anything else is left for the schema to refuse.
 */
export function coerceQuery(
  params: Record<string, string[]>,
  shape: Record<string, { type?: string; itemType?: string }>,
): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, values] of Object.entries(params)) {
    const s = shape[k];
    if (s?.type === "array") out[k] = values.map((v) => scalar(v, s.itemType));
    else out[k] = values.length === 1 ? scalar(values[0]!, s?.type) : values;
  }
  return { ...out };
}
