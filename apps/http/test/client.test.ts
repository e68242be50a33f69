import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import * as client from "@tta-dev/client";
import { hasErrorCode } from "@tta-dev/core";
import { cleanEnv, runNode } from "@tta-dev/testkit/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTtaClient,
  hashToken,
  type RunningHttpServer,
  startHttpServer,
  TtaHttpError,
  UnknownOperationError,
} from "../src/index.js";
import { makeApp } from "./helpers.js";

const S = "client-test-2026-11-25";

describe("typed client (@tta-dev/client) against the real server", () => {
  let server: RunningHttpServer;
  beforeAll(async () => {
    const { app } = await makeApp({
      tokens: [
        {
          name: "t",
          sha256: hashToken("client-token-123456"),
          scopes: ["write"],
          namespaces: ["ns1", "ns2"],
        },
      ],
    });
    server = await startHttpServer({ app, port: 0, hasTokens: true });
  });
  afterAll(async () => {
    await server.close();
  });

  it("calls operations over HTTP with the contract's names and types", async () => {
    const tta = createTtaClient({ baseUrl: server.url, token: "client-token-123456" });
    const session = await tta.call("session.create", { id: S, title: "Client", tags: ["x"] });
    expect(session).toMatchObject({ id: S, version: 1 });
    const m = await tta.call("message.append", { sessionId: S, content: "hi" });
    expect(m).toMatchObject({ seq: 1 });
    const list = await tta.call("message.list", { sessionId: S, last: 5 });
    expect(list.items.map((x) => x.content)).toEqual(["hi"]);
    const cache = await tta.call("cache.set", { sessionId: S, key: "a/b c", value: [1, 2], ttlMs: 5000 });
    expect(cache.key).toBe("a/b c");
    expect((await tta.call("cache.get", { sessionId: S, key: "a/b c" }))?.value).toEqual([1, 2]);
    expect((await tta.call("session.list", { tag: "x" })).items).toHaveLength(1);
  });

  it("is re-exported by @tta-dev/http as the same values", () => {
    expect(createTtaClient).toBe(client.createTtaClient);
    expect(TtaHttpError).toBe(client.TtaHttpError);
    expect(UnknownOperationError).toBe(client.UnknownOperationError);
  });

  it("gets a single append's Message and a batch's items, as typed", async () => {
    const tta = createTtaClient({ baseUrl: server.url, token: "client-token-123456" });
    const id = "client-append-2026-11-25";
    await tta.call("session.create", { id });
    const one = await tta.call("message.append", { sessionId: id, role: "user", content: "one" });
    expect(one).toMatchObject({ sessionId: id, seq: 1, role: "user", content: "one" });
    const batch = await tta.call("message.append", {
      sessionId: id,
      messages: [{ content: "two" }, { content: "three", role: "assistant" }],
    });
    expect(batch.items.map((m) => [m.seq, m.content])).toEqual([
      [2, "two"],
      [3, "three"],
    ]);
  });

  it("raises the server's error code, message and details", async () => {
    const tta = createTtaClient({ baseUrl: server.url, token: "client-token-123456" });
    let err: unknown;
    try {
      await tta.call("session.get", { id: "missing-thing-2026-11-25" });
    } catch (e) {
      err = e;
    }
    expect(hasErrorCode(err, "SESSION_NOT_FOUND")).toBe(true);
    expect(err).toBeInstanceOf(TtaHttpError);
    expect((err as TtaHttpError).status).toBe(404);
    expect((err as TtaHttpError).details).toEqual({
      sessionId: "missing-thing-2026-11-25",
      namespace: "ns1",
    });
    const anon = createTtaClient({ baseUrl: server.url });
    await expect(anon.call("session.list", {})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("keeps namespaces apart on one token", async () => {
    const a = createTtaClient({ baseUrl: server.url, token: "client-token-123456", namespace: "ns1" });
    const b = createTtaClient({ baseUrl: server.url, token: "client-token-123456", namespace: "ns2" });
    await a.call("session.create", { id: "only-in-ns1-2026-11-25" });
    await expect(b.call("session.get", { id: "only-in-ns1-2026-11-25" })).rejects.toMatchObject({
      code: "SESSION_NOT_FOUND",
    });
    const c = createTtaClient({ baseUrl: server.url, token: "client-token-123456", namespace: "ns3" });
    await expect(c.call("session.list", {})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("sends Content-Type: application/json with every body method, even an empty body", async () => {
    const sent: { method: string; type: string | null }[] = [];
    const spy: typeof fetch = (url, init) => {
      sent.push({ method: init?.method ?? "GET", type: new Headers(init?.headers).get("content-type") });
      return fetch(url, init);
    };
    const tta = createTtaClient({ baseUrl: server.url, token: "client-token-123456", fetch: spy });
    await tta.call("session.create", { id: "client-type-2026-11-25" });
    await tta.call("session.archive", { id: "client-type-2026-11-25" });
    await tta.call("session.get", { id: "client-type-2026-11-25" });
    expect(sent).toEqual([
      { method: "POST", type: "application/json" },
      { method: "POST", type: "application/json" },
      { method: "GET", type: null },
    ]);
  });

  it("reports a server it cannot reach as BACKEND_UNAVAILABLE", async () => {
    const { app } = await makeApp();
    const gone = await startHttpServer({ app, port: 0, hasTokens: false });
    await gone.close();
    const tta = createTtaClient({ baseUrl: gone.url });
    await expect(tta.call("session.list", {})).rejects.toMatchObject({
      code: "BACKEND_UNAVAILABLE",
      details: { url: gone.url },
    });
  });

  it("runs the first ts block under Quick start of @tta-dev/client's README as written", async () => {
    const readme = await readFile(new URL("../../../packages/client/README.md", import.meta.url), "utf8");
    const quickStart = readme.slice(readme.indexOf("\n## Quick start\n"));
    const code = /```ts\n([\s\S]*?)```/.exec(quickStart)?.[1];
    expect(code).toContain('from "@tta-dev/client"');
    const { app } = await makeApp();
    const open = await startHttpServer({ app, port: 0, hasTokens: false });
    // Inside this package, so that `@tta-dev/client` resolves as it does for an installed user.
    const dir = fileURLToPath(new URL("../.reports/", import.meta.url));
    const file = `${dir}readme-quickstart-${process.pid}.ts`;
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(file, code!);
      const run = await runNode([file], { env: cleanEnv({ TTA_URL: open.url }), timeoutMs: 30_000 });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("1 1 [ 2, 3 ]");
      expect(run.stdout).toContain("# Workflow context");
      expect(run.stdout).toContain("404 SESSION_NOT_FOUND");
    } finally {
      await rm(file, { force: true });
      await open.close();
    }
  });
});
