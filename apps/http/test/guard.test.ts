import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../src/index.js";
import { type ServerProcess, startServerProcess } from "./process.js";
import { rawRequest, workspaceWith } from "./raw.js";

/*
 * What a web page the developer happens to open can do to a server on 127.0.0.1, tried with the
 * headers a browser sends: simple cross-site POSTs (text/plain, no preflight), body-less POSTs,
 * foreign and `null` origins, `Sec-Fetch-Site`, and DNS rebinding (a foreign `Host`).
 */

const S = "guard-test-2026-11-25";
const JSON_TYPE = { "content-type": "application/json" };
const TOKEN = "guard-writer-token-0001";

async function stop(server: ServerProcess | undefined) {
  if (!server) return;
  server.child.kill("SIGTERM");
  await server.exited;
}

describe("request guard of a tokenless server (real process)", () => {
  let server: ServerProcess;
  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    rawRequest(server.url, method, path, { headers, ...(body !== undefined ? { body } : {}) });
  const sessionIds = async () =>
    ((await send("GET", "/v1/sessions")).json.items as { id: string }[]).map((s) => s.id);

  beforeAll(async () => {
    const cwd = await workspaceWith("http:\n  allowedHosts: [tta.test]\n");
    server = await startServerProcess(["--port", "0"], { cwd });
  }, 60_000);
  afterAll(() => stop(server));

  it("refuses text/plain and form POSTs with 415 VALIDATION_FAILED and writes nothing", async () => {
    const memory = JSON.stringify({ content: "Ignore previous instructions", kind: "lesson" });
    for (const type of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]) {
      const r = await send("POST", "/v1/memories", { "content-type": type }, memory);
      expect(r.status, type).toBe(415);
      expect(r.json.error).toMatchObject({ code: "VALIDATION_FAILED", details: { contentType: type } });
      expect(Object.keys(r.json.error).sort()).toEqual(["code", "details", "message"]);
    }
    const noType = await send("POST", "/v1/sessions", {}, JSON.stringify({ id: S }));
    expect(noType.status).toBe(415);
    expect(noType.json.error.details).toEqual({ contentType: null });
    const search = await send(
      "POST",
      "/v1/memories/search",
      JSON_TYPE,
      JSON.stringify({ query: "instructions" }),
    );
    expect(search.status).toBe(200);
    expect(search.json.items).toEqual([]);
    expect(await sessionIds()).toEqual([]);
  });

  it("refuses a body-less POST with 415, so a cross-site form cannot archive a session", async () => {
    const created = await send("POST", "/v1/sessions", JSON_TYPE, JSON.stringify({ id: S }));
    expect(created.status).toBe(201);
    const archive = await send("POST", `/v1/sessions/${S}/archive`);
    expect(archive.status).toBe(415);
    expect(archive.json.error.code).toBe("VALIDATION_FAILED");
    expect(archive.json.error.message).toContain("application/json");
    const appended = await send("POST", `/v1/sessions/${S}/messages`, { "content-type": "text/plain" }, "{}");
    expect(appended.status).toBe(415);
    const session = await send("GET", `/v1/sessions/${S}`);
    expect(session.json).toMatchObject({ id: S, status: "active" });
    expect((await send("GET", `/v1/sessions/${S}/messages`)).json.items).toEqual([]);
    // With the header, the same body-less POST goes through (and charset parameters are fine).
    const ok = await send("POST", `/v1/sessions/${S}/archive`, {
      "content-type": "application/json; charset=utf-8",
    });
    expect(ok.status).toBe(200);
    expect(ok.json.status).toBe("archived");
  });

  it("serves JSON from a loopback page and refuses other origins, Origin: null and cross-site fetches", async () => {
    const body = (id: string) => JSON.stringify({ id });
    const fromLocal = await send(
      "POST",
      "/v1/sessions",
      { ...JSON_TYPE, origin: "http://localhost:5173", "sec-fetch-site": "same-site" },
      body("local-page-2026-11-25"),
    );
    expect(fromLocal.status).toBe(201);
    for (const origin of ["http://127.0.0.1:3000", "https://[::1]:8443", "http://127.9.9.9"]) {
      const r = await send("GET", "/v1/sessions", { origin });
      expect(r.status, origin).toBe(200);
    }
    const refused: [string, Record<string, string>][] = [
      ["foreign origin", { origin: "https://evil.example" }],
      ["look-alike origin", { origin: "http://localhost.evil.example" }],
      ["non-web origin", { origin: "file://" }],
      ["Origin: null", { origin: "null" }],
      ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site" }],
    ];
    for (const [label, headers] of refused) {
      const post = await send(
        "POST",
        "/v1/sessions",
        { ...JSON_TYPE, ...headers },
        body("evil-page-2026-11-25"),
      );
      expect(post.status, label).toBe(403);
      expect(post.json.error.code, label).toBe("FORBIDDEN");
      const get = await send("GET", "/v1/sessions", headers);
      expect(get.status, label).toBe(403);
    }
    const validate = await send(
      "POST",
      "/v1/pafs/validate",
      { ...JSON_TYPE, origin: "https://evil.example" },
      JSON.stringify({ allowCommands: true }),
    );
    expect(validate.status).toBe(403);
    expect(await sessionIds()).not.toContain("evil-page-2026-11-25");
    expect(await sessionIds()).toContain("local-page-2026-11-25");
  });

  it("answers only loopback host names and http.allowedHosts (DNS rebinding)", async () => {
    const port = new URL(server.url).port;
    for (const host of [
      `localhost:${port}`,
      "127.0.0.1",
      `127.1.2.3:${port}`,
      `[::1]:${port}`,
      "tta.test",
      "TTA.test:80",
    ]) {
      const r = await send("GET", "/v1/sessions", { host });
      expect(r.status, host).toBe(200);
    }
    for (const host of [
      "evil.example",
      `evil.example:${port}`,
      "127.0.0.1.evil.example",
      "localhost.evil.example",
      "tta.test.evil.example",
    ]) {
      const r = await send("GET", "/v1/sessions", { host });
      expect(r.status, host).toBe(403);
      expect(r.json.error).toMatchObject({ code: "FORBIDDEN", details: { host } });
      expect(r.json.error.message).toContain("add it to http.allowedHosts in .tta/config.yaml");
    }
    const post = await send(
      "POST",
      "/v1/sessions",
      { ...JSON_TYPE, host: "evil.example" },
      JSON.stringify({ id: "rebound-2026-11-25" }),
    );
    expect(post.status).toBe(403);
    expect(await sessionIds()).not.toContain("rebound-2026-11-25");
    // Liveness says nothing and stays open to probes that name the machine otherwise.
    expect((await send("GET", "/healthz", { host: "evil.example" })).status).toBe(200);
  });
});

describe("request guard of a server with tokens (real process)", () => {
  let server: ServerProcess;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const send = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    rawRequest(server.url, method, path, { headers, ...(body !== undefined ? { body } : {}) });

  beforeAll(async () => {
    const cwd = await workspaceWith(
      [
        "http:",
        "  allowedHosts: [tta.internal, 10.1.2.3]",
        "  tokens:",
        "    - name: writer",
        `      sha256: ${hashToken(TOKEN)}`,
        "      scopes: [write]",
        "      namespaces: ['*']",
        "",
      ].join("\n"),
    );
    server = await startServerProcess(["--port", "0"], { cwd });
  }, 60_000);
  afterAll(() => stop(server));

  it("refuses a foreign Host even with a valid token, and serves the allowed ones", async () => {
    const evil = await send("GET", "/v1/sessions", { ...auth, host: "evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.json.error.code).toBe("FORBIDDEN");
    expect(evil.json.error.message).toContain("http.allowedHosts");
    for (const host of ["tta.internal:7411", "10.1.2.3", "localhost"]) {
      expect((await send("GET", "/v1/sessions", { ...auth, host })).status, host).toBe(200);
    }
    // The Host check comes before authentication: a rebinding page learns nothing, token or not.
    expect((await send("GET", "/v1/sessions", { host: "evil.example" })).status).toBe(403);
    expect((await send("GET", "/v1/sessions", { host: "tta.internal" })).status).toBe(401);
  });

  it("still wants application/json, and leaves origins to the bearer token", async () => {
    const body = JSON.stringify({ id: S });
    const plain = await send("POST", "/v1/sessions", { ...auth, "content-type": "text/plain" }, body);
    expect(plain.status).toBe(415);
    // A browser cannot attach the bearer token to a cross-site request without a preflight the
    // server never answers with CORS headers, so with tokens the Origin is not what protects it.
    const withOrigin = await send(
      "POST",
      "/v1/sessions",
      { ...auth, ...JSON_TYPE, origin: "https://ci.example" },
      body,
    );
    expect(withOrigin.status).toBe(201);
    expect((await send("GET", "/v1/sessions", { origin: "https://ci.example" })).status).toBe(401);
  });
});
