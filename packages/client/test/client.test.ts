import { hasErrorCode, isTtaError } from "@tta-dev/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTtaClient, TtaHttpError, UnknownOperationError } from "../src/index.js";
import { type CannedAnswer, type SeenRequest, startCannedServer } from "./canned-server.js";

const S = "client-unit-2026-12-06";
const SESSION = {
  id: S,
  title: "Client",
  status: "active",
  tags: [],
  metadata: {},
  version: 1,
  createdAt: "2026-12-06T00:00:00.000Z",
  updatedAt: "2026-12-06T00:00:00.000Z",
};

describe("createTtaClient", () => {
  let server: Awaited<ReturnType<typeof startCannedServer>>;
  let next: (req: SeenRequest) => CannedAnswer = () => ({ status: 200, json: {} });
  beforeAll(async () => {
    server = await startCannedServer((req) => next(req));
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.seen.length = 0;
    next = () => ({ status: 200, json: {} });
  });
  const last = () => server.seen.at(-1)!;

  it("sends a body operation to its route as JSON and returns the answer as it came", async () => {
    next = () => ({ status: 201, json: SESSION });
    const tta = createTtaClient({ baseUrl: server.url });
    const session = await tta.call("session.create", { id: S, title: "Client", tags: ["x"] });
    expect(session).toEqual(SESSION);
    expect(last()).toMatchObject({ method: "POST", url: "/v1/sessions" });
    expect(JSON.parse(last().body)).toEqual({ id: S, title: "Client", tags: ["x"] });
    expect(last().headers["content-type"]).toBe("application/json");
    expect(last().headers.accept).toBe("application/json");
  });

  it("fills path parameters, encoded, and leaves them out of the body", async () => {
    const tta = createTtaClient({ baseUrl: server.url });
    await tta.call("cache.set", { sessionId: S, key: "a/b c", value: [1, 2], ttlMs: 5000 });
    expect(last()).toMatchObject({ method: "PUT", url: `/v1/sessions/${S}/cache/a%2Fb%20c` });
    expect(JSON.parse(last().body)).toEqual({ value: [1, 2], ttlMs: 5000 });
  });

  it("sends GET and DELETE fields as a query string, arrays repeated, without a body or content type", async () => {
    const tta = createTtaClient({ baseUrl: server.url });
    await tta.call("session.list", { tag: "x", limit: 5, cursor: undefined });
    expect(last()).toMatchObject({ method: "GET", url: "/v1/sessions?tag=x&limit=5", body: "" });
    expect(last().headers["content-type"]).toBeUndefined();
    await tta.call("group.list", { tags: ["a", "b"], tagMode: "all" });
    expect(last().url).toBe("/v1/groups?tags=a&tags=b&tagMode=all");
    await tta.call("session.delete", { id: S, cascade: true });
    expect(last()).toMatchObject({ method: "DELETE", url: `/v1/sessions/${S}?cascade=true`, body: "" });
  });

  it("sends Content-Type: application/json with every body method, even an empty body", async () => {
    const tta = createTtaClient({ baseUrl: server.url });
    await tta.call("session.archive", { id: S });
    expect(last()).toMatchObject({ method: "POST", url: `/v1/sessions/${S}/archive`, body: "{}" });
    expect(last().headers["content-type"]).toBe("application/json");
    await tta.call("group.summary", {});
    expect(last()).toMatchObject({ method: "GET", url: "/v1/group-summary", body: "" });
  });

  it("sends the token and namespace only when given, and ignores trailing slashes of the base URL", async () => {
    await createTtaClient({ baseUrl: `${server.url}//` }).call("session.get", { id: S });
    expect(last().url).toBe(`/v1/sessions/${S}`);
    expect(last().headers.authorization).toBeUndefined();
    expect(last().headers["x-tta-namespace"]).toBeUndefined();
    await createTtaClient({ baseUrl: server.url, token: "secret-token-123456", namespace: "ns1" }).call(
      "session.get",
      { id: S },
    );
    expect(last().headers.authorization).toBe("Bearer secret-token-123456");
    expect(last().headers["x-tta-namespace"]).toBe("ns1");
  });

  it("returns null where the operation answers null", async () => {
    next = () => ({ status: 200, json: null });
    const tta = createTtaClient({ baseUrl: server.url });
    expect(await tta.call("cache.get", { sessionId: S, key: "absent" })).toBeNull();
  });

  it("raises the server's error code, message and details, with the HTTP status apart", async () => {
    const details = { sessionId: "missing-thing-2026-12-06", namespace: "ns1" };
    next = () => ({
      status: 404,
      json: { error: { code: "SESSION_NOT_FOUND", message: "Session not found.", details } },
    });
    const tta = createTtaClient({ baseUrl: server.url });
    const err = await tta.call("session.get", { id: "missing-thing-2026-12-06" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtaHttpError);
    expect(isTtaError(err)).toBe(true);
    expect(hasErrorCode(err, "SESSION_NOT_FOUND")).toBe(true);
    expect(err).toMatchObject({ status: 404, message: "Session not found.", details });
    expect((err as TtaHttpError).toJSON()).toEqual({
      code: "SESSION_NOT_FOUND",
      message: "Session not found.",
      details,
    });
  });

  it("makes an error answer without an error body, or not JSON at all, INTERNAL with the status", async () => {
    const tta = createTtaClient({ baseUrl: server.url });
    next = () => ({ status: 502, raw: "" });
    await expect(tta.call("session.list", {})).rejects.toMatchObject({
      code: "INTERNAL",
      status: 502,
      message: "HTTP 502",
    });
    next = () => ({ status: 500, raw: "<html>oops</html>" });
    const err = await tta.call("session.list", {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtaHttpError);
    expect(err).toMatchObject({ code: "INTERNAL", status: 500 });
    expect((err as Error).message).toMatch(/not JSON/);
    next = () => ({ status: 200, raw: "not json" });
    await expect(tta.call("session.list", {})).rejects.toMatchObject({ code: "INTERNAL", status: 200 });
  });

  it("goes through a custom fetch", async () => {
    const calls: string[] = [];
    const spy: typeof fetch = (url, init) => {
      calls.push(`${init?.method} ${String(url)}`);
      return fetch(url, init);
    };
    await createTtaClient({ baseUrl: server.url, fetch: spy }).call("policy.show", { stage: "plan" });
    expect(calls).toEqual([`GET ${server.url}/v1/policy?stage=plan`]);
  });

  it("refuses an unknown operation name with UnknownOperationError before any request", async () => {
    let fetched = 0;
    const spy: typeof fetch = (url, init) => {
      fetched += 1;
      return fetch(url, init);
    };
    const tta = createTtaClient({ baseUrl: server.url, fetch: spy });
    // biome-ignore lint/suspicious/noExplicitAny: a caller without types, as from JavaScript
    const untyped = tta as any;
    for (const name of ["session.nope", "toString", "__proto__", undefined]) {
      const err = await untyped.call(name, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnknownOperationError);
      expect(hasErrorCode(err, "VALIDATION_FAILED")).toBe(true);
      expect(err).toMatchObject({ name: "UnknownOperationError", operation: String(name) });
      expect((err as UnknownOperationError).details).toEqual({ operation: String(name) });
    }
    expect(fetched).toBe(0);
    expect(server.seen).toHaveLength(0);
  });

  it("sends a bundle to POST /v1/import as the body, the input in the query string", async () => {
    const receipt = { namespace: "default", dryRun: true };
    next = () => ({ status: 200, json: receipt });
    const tta = createTtaClient({ baseUrl: server.url, token: "t0ken-for-the-canned-server" });
    const text = '{"type":"header"}\n{"type":"trailer"}\n';
    expect(await tta.importBundle(text, { dryRun: true, onConflict: "fail" })).toEqual(receipt);
    expect(last()).toMatchObject({
      method: "POST",
      url: "/v1/import?dryRun=true&onConflict=fail",
      body: text,
    });
    expect(last().headers["content-type"]).toBe("application/x-ndjson");
    expect(last().headers.authorization).toBe("Bearer t0ken-for-the-canned-server");
    async function* chunks() {
      yield '{"type":"header"}\n';
      yield new TextEncoder().encode('{"type":"trailer"}\n');
    }
    await tta.importBundle(chunks());
    expect(last()).toMatchObject({ url: "/v1/import", body: text });
    await tta.importBundle(new Uint8Array([0x1f, 0x8b, 8, 0]));
    expect(last().headers["content-type"]).toBe("application/gzip");
  });

  it("reads GET /v1/export as a stream of lines, and an error answer as a TtaHttpError", async () => {
    next = () => ({ status: 200, raw: '{"type":"header"}\n{"type":"session"}\n{"type":"trailer"}\n' });
    const tta = createTtaClient({ baseUrl: server.url });
    const bundle = await tta.exportBundle({ sessions: ["a-b-2026-01-01", "c-d-2026-01-01"] });
    expect(last()).toMatchObject({
      method: "GET",
      url: "/v1/export?sessions=a-b-2026-01-01&sessions=c-d-2026-01-01",
    });
    const lines: string[] = [];
    for await (const line of bundle.lines()) lines.push(line);
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(["header", "session", "trailer"]);
    next = () => ({
      status: 404,
      json: { error: { code: "SESSION_NOT_FOUND", message: "no", details: {} } },
    });
    const err = await tta.exportBundle({ sessions: ["x-y-2026-01-01"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TtaHttpError);
    expect(err).toMatchObject({ code: "SESSION_NOT_FOUND", status: 404 });
  });

  it("refuses the streamed operations in call(), before any request", async () => {
    const tta = createTtaClient({ baseUrl: server.url });
    // biome-ignore lint/suspicious/noExplicitAny: a caller without types, as from JavaScript
    const err = await (tta as any).call("system.export", {}).catch((e: unknown) => e);
    expect(hasErrorCode(err, "VALIDATION_FAILED")).toBe(true);
    expect(server.seen).toHaveLength(0);
  });

  it("reports a server it cannot reach as BACKEND_UNAVAILABLE, the network error as its cause", async () => {
    const gone = await startCannedServer(() => ({ status: 200, json: {} }));
    await gone.close();
    const err = await createTtaClient({ baseUrl: gone.url })
      .call("session.list", {})
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(TtaHttpError);
    expect(err).toMatchObject({ code: "BACKEND_UNAVAILABLE", details: { url: gone.url } });
    expect((err as Error).cause).toBeInstanceOf(Error);
  });
});
