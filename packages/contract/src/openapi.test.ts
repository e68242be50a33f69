import { ERROR_CODES } from "@tta-dev/core";
import { describe, expect, it } from "vitest";
import { HTTP_STATUS } from "./http-status.js";
import { buildOpenApi, OPERATION_LIST, operationId } from "./index.js";

type Obj = Record<string, unknown>;
const doc = buildOpenApi({ errorStatus: HTTP_STATUS, version: "9.9.9" });
const paths = doc.paths as Record<string, Record<string, Obj>>;
const schemas = (doc.components as { schemas: Record<string, Obj> }).schemas;

function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe("buildOpenApi", () => {
  it("is an OpenAPI 3.1 document with bearer authentication", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect((doc.info as Obj).version).toBe("9.9.9");
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    expect((doc.components as Obj).securitySchemes).toEqual({
      bearerAuth: { type: "http", scheme: "bearer" },
    });
  });

  it("has every operation once, under its own method and path", () => {
    const ids: string[] = [];
    for (const op of OPERATION_LIST) {
      const item = paths[op.http.path]?.[op.http.method.toLowerCase()];
      expect(item, op.name).toBeDefined();
      expect(item!.operationId).toBe(operationId(op.name));
      expect(item!["x-tta-operation"]).toBe(op.name);
      ids.push(item!.operationId as string);
    }
    const count = Object.values(paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(count).toBe(OPERATION_LIST.length);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("declares every path parameter as a required path parameter", () => {
    for (const [path, item] of Object.entries(paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const op of Object.values(item)) {
        const params = (op.parameters as Obj[]).filter((p) => p.in === "path");
        expect(params.map((p) => p.name)).toEqual(names);
        for (const p of params) expect(p.required).toBe(true);
      }
    }
  });

  it("answers each declared error code with the error body under the app's status", () => {
    for (const op of OPERATION_LIST) {
      const item = paths[op.http.path]![op.http.method.toLowerCase()]!;
      const responses = item.responses as Record<string, Obj>;
      expect(Object.keys(responses)).toContain(String(op.http.status ?? 200));
      for (const code of [...op.errors, "UNAUTHORIZED" as const]) {
        const r = responses[String(HTTP_STATUS[code])];
        expect(r, `${op.name} ${code}`).toBeDefined();
        expect(r!.description).toContain(code);
        expect(refs(r)).toEqual(["#/components/schemas/Error"]);
      }
    }
    const error = schemas.Error as { properties: { error: { properties: { code: { enum: string[] } } } } };
    expect(error.properties.error.properties.code.enum).toEqual([...ERROR_CODES]);
  });

  it("puts GET and DELETE inputs in the query and the others in a JSON body", () => {
    const list = paths["/v1/sessions"]!.get!;
    expect((list.parameters as Obj[]).map((p) => p.name)).toContain("status");
    expect(list.requestBody).toBeUndefined();
    const create = paths["/v1/sessions"]!.post!;
    const body = (create.requestBody as { content: Record<string, { schema: Obj }> }).content[
      "application/json"
    ]!;
    expect(body.schema.required).toEqual(["id"]);
    const append = paths["/v1/sessions/{sessionId}/messages"]!.post!;
    const appendBody = (append.requestBody as { content: Record<string, { schema: Obj }> }).content[
      "application/json"
    ]!.schema;
    expect(Object.keys(appendBody.properties as Obj)).not.toContain("sessionId");
  });

  it("describes the streamed bundle operations by their media types, not JSON", () => {
    const exp = paths["/v1/export"]!.get!;
    expect((exp.parameters as Obj[]).map((p) => p.name).sort()).toEqual(["gzip", "sessions", "since"]);
    const ok = (exp.responses as Record<string, { content: Obj }>)["200"]!;
    expect(Object.keys(ok.content)).toEqual(["application/x-ndjson", "application/gzip"]);
    expect(exp["x-tta-scope"]).toBe("admin");
    const imp = paths["/v1/import"]!.post!;
    expect((imp.parameters as Obj[]).map((p) => p.name).sort()).toEqual(["dryRun", "onConflict"]);
    const body = imp.requestBody as { required: boolean; content: Obj };
    expect(body.required).toBe(true);
    expect(Object.keys(body.content)).toEqual(["application/x-ndjson", "application/gzip"]);
    const receipt = (imp.responses as Record<string, { content: Record<string, { schema: Obj }> }>)["200"]!;
    expect(receipt.content["application/json"]!.schema.$ref).toBe("#/components/schemas/SystemImportOutput");
    expect(Object.keys(imp.responses as Obj)).toContain("413");
    expect(schemas.SystemExportOutput).toBeUndefined();
  });

  it("has only references that resolve, and plain JSON Schema components", () => {
    for (const ref of refs(doc)) {
      expect(ref.startsWith("#/components/schemas/"), ref).toBe(true);
      expect(schemas[ref.slice("#/components/schemas/".length)], ref).toBeDefined();
    }
    for (const [name, schema] of Object.entries(schemas)) {
      expect(schema.$id, name).toBeUndefined();
      expect(schema.$defs, name).toBeUndefined();
      expect(typeof schema, name).toBe("object");
    }
    expect(schemas.Session!.type).toBe("object");
    const metadata = (schemas.SessionCreateInput!.properties as Record<string, Obj>).metadata!;
    expect(metadata.type).toBe("object");
    expect(() => JSON.parse(JSON.stringify(doc))).not.toThrow();
  });
});
