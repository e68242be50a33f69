import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../src/index.js";
import { type ServerProcess, startServerProcess } from "./process.js";

const READER = "reader-token-for-team-a-0001";
const WRITER = "writer-token-for-team-a-0002";

describe("tta-http with tokens from .tta/config.yaml", () => {
  let server: ServerProcess;

  beforeAll(async () => {
    const cwd = await mkdtemp(join(tmpdir(), "tta-http-tokens-"));
    await mkdir(join(cwd, ".git"));
    await mkdir(join(cwd, ".tta"));
    await writeFile(
      join(cwd, ".tta", "config.yaml"),
      [
        "http:",
        "  tokens:",
        "    - name: reader",
        `      sha256: ${hashToken(READER)}`,
        "      scopes: [read]",
        "      namespaces: [team-a]",
        "    - name: writer",
        `      sha256: ${hashToken(WRITER)}`,
        "      scopes: [write]",
        "      namespaces: [team-a]",
        "",
      ].join("\n"),
    );
    server = await startServerProcess(["--port", "0"], { cwd });
  });

  afterAll(async () => {
    server?.child.kill("SIGTERM");
    await server?.exited;
  });

  const call = (path: string, token?: string, init: RequestInit & { ns?: string } = {}) =>
    fetch(server.url + path, {
      ...init,
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.ns ? { "x-tta-namespace": init.ns } : {}),
      },
    });

  it("accepts only the hashed tokens it was configured with, by scope and namespace", async () => {
    expect((await call("/v1/sessions")).status).toBe(401);
    expect((await call("/v1/sessions", "not-a-configured-token")).status).toBe(401);
    const body = JSON.stringify({ id: "auth-design-2025-10-01", title: "secret title" });
    expect((await call("/v1/sessions", READER, { method: "POST", body })).status).toBe(403);
    expect((await call("/v1/sessions", WRITER, { method: "POST", body })).status).toBe(201);
    const list = await call("/v1/sessions", READER);
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: { id: string }[] }).items.map((s) => s.id)).toEqual([
      "auth-design-2025-10-01",
    ]);
    expect((await call("/v1/sessions", READER, { ns: "team-b" })).status).toBe(403);
    expect((await call("/healthz")).status).toBe(200);
  });

  it("logs every request without the tokens or what was sent", async () => {
    await call("/v1/sessions", WRITER);
    const log = await server.waitForOutput(
      (out) => out.includes('"status":401') && out.includes('"status":201'),
    );
    expect(log).toContain('"status":401');
    expect(log).toContain('"status":201');
    for (const secret of [READER, WRITER, hashToken(READER), hashToken(WRITER), "secret title", "Bearer"]) {
      expect(log).not.toContain(secret);
    }
  });
});
