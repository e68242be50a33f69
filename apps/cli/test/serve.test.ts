import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { spawnTta } from "./child.js";
import { tempWorkspace } from "./harness.js";

/** A request with exactly these headers (as a browser page or a rebinding attacker would send). */
function raw(url: string, method: string, path: string, headers: Record<string, string>): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("tta serve", () => {
  it("serves the store named by the global flags, answers /healthz, and exits 0 on SIGTERM", async () => {
    const cwd = tempWorkspace();
    const dir = join(cwd, "elsewhere");
    const created = await spawnTta(["--dir", dir, "session", "create", "auth-design-2025-10-01", "--json"], {
      cwd,
    }).done;
    expect(created.code, created.stderr).toBe(0);

    const { child, done, waitFor } = spawnTta(["serve", "--port", "0", "--host", "127.0.0.1", "--dir", dir], {
      cwd,
    });
    try {
      const [, url] = await waitFor(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/);
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true });
      // --dir reached the server: the session created above is there, and not in <cwd>/.tta.
      const session = await fetch(`${url}/v1/sessions/auth-design-2025-10-01`);
      expect(session.status).toBe(200);
      expect(((await session.json()) as { id: string }).id).toBe("auth-design-2025-10-01");
      // The server's request guard is in place: no body-less or text/plain POST, no foreign Host.
      const archive = `/v1/sessions/auth-design-2025-10-01/archive`;
      expect(await raw(url!, "POST", archive, { "content-type": "text/plain" })).toBe(415);
      expect(await raw(url!, "GET", "/v1/sessions", { host: "evil.example" })).toBe(403);
      expect(await raw(url!, "GET", "/v1/sessions", { origin: "https://evil.example" })).toBe(403);
    } finally {
      child.kill("SIGTERM");
    }
    const result = await done;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('"msg":"stopped"');
  }, 60_000);

  it("exits 2 with a JSON error on a bad --port, listening on nothing", async () => {
    const r = await spawnTta(["serve", "--port", "99999"], { cwd: tempWorkspace() }).done;
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe("VALIDATION_FAILED");
  }, 60_000);
});
