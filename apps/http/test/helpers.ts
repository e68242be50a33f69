import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { MemoryBackend } from "@tta-dev/core";
import { createInMemoryBackend } from "@tta-dev/memory-inmemory";
import { createHandlers } from "@tta-dev/workflow";
import pino from "pino";
import { expect } from "vitest";
import { createHttpApp, type TokenRecord } from "../src/index.js";

/** An app over a fresh in-memory backend, with its log lines captured. */
export async function makeApp(
  options: { tokens?: TokenRecord[]; backend?: MemoryBackend; bodyLimitBytes?: number } = {},
) {
  const backend = options.backend ?? createInMemoryBackend();
  const root = await mkdtemp(join(tmpdir(), "tta-http-"));
  await writeFile(join(root, "PAFCORE.md"), "# PAFs\n\n- **QUAL-001**: Minimum 70% test coverage\n");
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: "debug" }, stream);
  const handlers = createHandlers({ backend, root, dataDir: join(root, ".tta"), version: "0.0.0-test" });
  const app = createHttpApp({
    handlers,
    ready: () => backend.ping(),
    logger,
    ...(options.tokens ? { tokens: options.tokens } : {}),
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
  });
  const req = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.request(path, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  return { app, backend, logs, req };
}

/**
 * A JSON call to the server at `base()` that expects a 2xx answer and returns its body.
 *
 * @example
 * const api = jsonApi(() => server.url);
 * await api("POST", "/v1/sessions", { id: "auth-design-2026-01-01" });
 */
// biome-ignore lint/suspicious/noExplicitAny: a test reads whatever JSON came back
export function jsonApi(base: () => string): (method: string, path: string, body?: unknown) => Promise<any> {
  return async (method, path, body) => {
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = await res.json();
    expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
    return json;
  };
}
