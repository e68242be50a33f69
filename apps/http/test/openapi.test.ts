import { Validator } from "@seriousme/openapi-schema-validator";
import { getOperation, type OperationName } from "@tta-dev/contract";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { makeApp } from "./helpers.js";

const S = "auth-design-2025-10-01";

type Doc = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: { schemas: Record<string, object> };
};

describe("OpenAPI document", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const { req } = await makeApp();
    const doc = (await req("GET", "/openapi.json")).body;
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    for (const [path, item] of Object.entries(
      doc.paths as Record<string, Record<string, { parameters: { name: string; in: string }[] }>>,
    )) {
      for (const [method, op] of Object.entries(item)) {
        const headers = op.parameters.filter((p) => p.in === "header").map((p) => p.name);
        expect(headers, `${method} ${path}`).toEqual(["x-tta-namespace", "x-request-id"]);
      }
    }
  });

  it("describes every real response of every route it was asked for", async () => {
    const { req } = await makeApp();
    const doc = (await req("GET", "/openapi.json")).body as Doc;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const checked = new Set<string>();
    const call = async (name: OperationName, path: string, body?: unknown) => {
      const op = getOperation(name);
      const res = await req(op.http.method, path, body);
      const responses = doc.paths[op.http.path]?.[op.http.method.toLowerCase()]?.responses ?? {};
      const declared = responses[String(res.status)] ?? responses.default;
      expect(declared, `${name} ${res.status} is not in the document`).toBeDefined();
      const schema = declared!.content?.["application/json"]?.schema;
      expect(schema, `${name} ${res.status} has no JSON schema`).toBeDefined();
      const validate = ajv.compile({ ...schema, components: doc.components });
      const ok = validate(res.body);
      expect(ok, `${name} ${res.status}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      checked.add(`${name} ${res.status}`);
      return res;
    };
    await call("session.create", "/v1/sessions", { id: S, title: "Auth", tags: ["auth"] });
    await call("session.create", "/v1/sessions", { id: S });
    await call("session.get", `/v1/sessions/${S}`);
    await call("session.get", "/v1/sessions/nope-none-2025-01-01");
    await call("session.list", "/v1/sessions?status=active");
    await call("message.append", `/v1/sessions/${S}/messages`, { content: "hello" });
    await call("message.append", `/v1/sessions/${S}/messages`, {
      messages: [{ content: "a" }, { content: "b", role: "assistant" }],
    });
    await call("message.list", `/v1/sessions/${S}/messages?last=2`);
    await call("cache.set", `/v1/sessions/${S}/cache/k1`, { value: { a: 1 }, ttlMs: 60000 });
    await call("cache.get", `/v1/sessions/${S}/cache/k1`);
    await call("cache.get", `/v1/sessions/${S}/cache/none`);
    await call("cache.list", `/v1/sessions/${S}/cache`);
    const mem = await call("memory.create", "/v1/memories", {
      content: "Pool connections",
      kind: "lesson",
      tags: ["redis"],
    });
    await call("memory.get", `/v1/memories/${mem.body.id}`);
    await call("memory.update", `/v1/memories/${mem.body.id}`, { importance: 0.9 });
    await call("memory.search", "/v1/memories/search", { query: "pool" });
    await call("group.create", "/v1/groups", { name: "feature-auth", tags: ["feature"] });
    await call("group.get", "/v1/groups/feature-auth");
    await call("group.list", "/v1/groups?tags=feature");
    await call("group.addSession", "/v1/groups/feature-auth/sessions", { sessionId: S });
    await call("group.sessions", "/v1/groups/feature-auth/sessions");
    await call("group.updateMetadata", "/v1/groups/feature-auth/metadata", { patch: { sprint: 42 } });
    await call("context.load", `/v1/sessions/${S}/context`, { stage: "plan" });
    await call("context.load", `/v1/sessions/${S}/context`, { stage: "nope" });
    await call("paf.list", "/v1/pafs");
    await call("paf.validate", "/v1/pafs/validate", {});
    await call("paf.diff", "/v1/pafs/diff", { record: true });
    await call("policy.show", "/v1/policy?stage=plan");
    await call("system.doctor", "/v1/doctor");
    await call("group.summary", "/v1/group-summary");
    await call("group.setStatus", "/v1/groups/feature-auth/status", { status: "closed" });
    await call("group.addSession", "/v1/groups/feature-auth/sessions", { sessionId: S });
    await call("group.removeSession", `/v1/groups/feature-auth/sessions/${S}`);
    await call("group.delete", "/v1/groups/feature-auth");
    await call("cache.delete", `/v1/sessions/${S}/cache/k1`);
    await call("memory.delete", `/v1/memories/${mem.body.id}`);
    await call("session.complete", `/v1/sessions/${S}/complete`, { lessons: ["Keep it small"] });
    await call("session.archive", `/v1/sessions/${S}/archive`, {});
    await call("session.delete", `/v1/sessions/${S}?cascade=true`);
    expect(checked.size).toBeGreaterThan(35);
  });
});
