import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerProcess } from "./process.js";
import { rawRequest, workspaceWith } from "./raw.js";

const S = "deep-nesting-2026-11-25";
const JSON_TYPE = { "content-type": "application/json" };

describe("deeply nested input over HTTP (real process)", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess(["--port", "0"], { cwd: await workspaceWith("backend: file\n") });
  }, 60_000);
  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
  });

  it("refuses 3 000-level metadata with 400 VALIDATION_FAILED, writes nothing and keeps serving", async () => {
    const levels = 3000;
    const metadata = `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;
    const r = await rawRequest(server.url, "POST", "/v1/sessions", {
      headers: JSON_TYPE,
      body: `{"id":"${S}","metadata":${metadata}}`,
    });
    expect(r.status, r.text).toBe(400);
    expect(r.json.error.code).toBe("VALIDATION_FAILED");
    expect((await rawRequest(server.url, "GET", `/v1/sessions/${S}`)).status).toBe(404);
    expect((await rawRequest(server.url, "GET", "/healthz")).status).toBe(200);
    const created = await rawRequest(server.url, "POST", "/v1/sessions", {
      headers: JSON_TYPE,
      body: JSON.stringify({ id: S, metadata: { a: { b: { c: 1 } } } }),
    });
    expect(created.status).toBe(201);
    expect(server.child.exitCode).toBeNull();
  }, 30_000);
});
