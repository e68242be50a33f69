import { mkdtemp } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runNode } from "@tta-dev/testkit/node";
import { describe, expect, it } from "vitest";
import { startServerProcess } from "./process.js";

const S = "drain-test-2026-11-25";

describe("tta-http process", () => {
  it("refuses to start on 0.0.0.0 without tokens and says why (exit 2)", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "tta-bin-"));
    const { code, stderr: err } = await runNode(
      [fileURLToPath(new URL("../src/bin.ts", import.meta.url)), "--host", "0.0.0.0", "--port", "0"],
      { cwd, env: { ...process.env, TTA_HTTP_TOKEN: "" } },
    );
    expect(code).toBe(2);
    expect(JSON.parse(err.trim().split("\n").pop()!).error).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(err).toContain("without bearer tokens");
  }, 30_000);

  it("finishes a request in flight when SIGTERM arrives, then exits 0", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "tta-bin-"));
    const server = await startServerProcess(["--port", "0"], { cwd });
    const create = await fetch(`${server.url}/v1/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: S }),
    });
    expect(create.status).toBe(201);
    const body = JSON.stringify({ content: "sent slowly, across a shutdown" });
    const url = new URL(`${server.url}/v1/sessions/${S}/messages`);
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (res) => {
          let text = "";
          res.on("data", (d: Buffer) => {
            text += d.toString();
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        server.child.kill("SIGTERM");
        setTimeout(() => req.end(body.slice(10)), 500);
      }, 300);
    });
    const res = await response;
    expect(res.status).toBe(201);
    expect(JSON.parse(res.text)).toMatchObject({ seq: 1, content: "sent slowly, across a shutdown" });
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("stopped");
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  }, 60_000);
});
