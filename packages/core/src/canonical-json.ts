/**
 * JSON with object keys sorted by UTF-16 code units at every depth (integer-like keys too, which a
 * plain object would put first), members that JSON leaves out (`undefined`, functions) left out, and
 * `toJSON` not consulted: the same value always gives the same text, whatever order its keys were
 * set in. `indent` pretty-prints as `JSON.stringify(value, null, indent)` does. A `"__proto__"` key
 * is an ordinary key.
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown, indent = 0): string {
  const pad = " ".repeat(indent);
  const write = (v: unknown, depth: string): string => {
    if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
    const inner = depth + pad;
    const open = pad ? `\n${inner}` : "";
    const sep = pad ? `,\n${inner}` : ",";
    const close = pad ? `\n${depth}` : "";
    const parts: string[] = [];
    if (Array.isArray(v)) {
      for (const item of Array.from(v)) parts.push(write(item, inner));
      return parts.length === 0 ? "[]" : `[${open}${parts.join(sep)}${close}]`;
    }
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined || typeof member === "function" || typeof member === "symbol") continue;
      parts.push(`${JSON.stringify(key)}:${pad ? " " : ""}${write(member, inner)}`);
    }
    return parts.length === 0 ? "{}" : `{${open}${parts.join(sep)}${close}}`;
  };
  return write(value, "");
}
