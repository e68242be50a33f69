import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../src/index.js";
import { type ServerProcess, startServerProcess } from "./process.js";
import { rawRequest, workspaceWith } from "./raw.js";

/*
 * `paf.validate` with `allowCommands: true` runs the shell commands of PAFCORE.md. Over HTTP that
 * takes `http.allowCommands: true` in the server's configuration and an admin token, both.
 */

const ADMIN = "allow-commands-admin-token-01";
const WRITER = "allow-commands-writer-token-02";
const MARK = "command-ran.txt";
const PAFCORE = `# PAFs

## Security

- **SEC-001**: The compliance command of this test leaves a mark.
  - Check: command touch ${MARK}
`;

function config(options: { allowCommands?: boolean; tokens: boolean }): string {
  const lines = ["http:"];
  if (options.allowCommands !== undefined) lines.push(`  allowCommands: ${options.allowCommands}`);
  if (options.tokens) {
    lines.push(
      "  tokens:",
      "    - name: admin",
      `      sha256: ${hashToken(ADMIN)}`,
      "      scopes: [admin]",
      "      namespaces: ['*']",
      "    - name: writer",
      `      sha256: ${hashToken(WRITER)}`,
      "      scopes: [write]",
      "      namespaces: ['*']",
    );
  }
  return `${lines.join("\n")}\n`;
}

interface Started {
  cwd: string;
  server: ServerProcess;
}

async function start(options: { allowCommands?: boolean; tokens: boolean }): Promise<Started> {
  const cwd = await workspaceWith(config(options), { "PAFCORE.md": PAFCORE });
  return { cwd, server: await startServerProcess(["--port", "0"], { cwd }) };
}

function validate(s: Started, body: object, token?: string) {
  return rawRequest(s.server.url, "POST", "/v1/pafs/validate", {
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

describe("allowCommands over HTTP (real processes)", () => {
  let tokenless: Started;
  let notConfigured: Started;
  let allowed: Started;

  beforeAll(async () => {
    [tokenless, notConfigured, allowed] = await Promise.all([
      start({ allowCommands: true, tokens: false }),
      start({ tokens: true }),
      start({ allowCommands: true, tokens: true }),
    ]);
  }, 90_000);

  afterAll(async () => {
    for (const s of [tokenless, notConfigured, allowed]) {
      if (!s) continue;
      s.server.child.kill("SIGTERM");
      await s.server.exited;
    }
  });

  it("never runs commands on a tokenless server, even with http.allowCommands: true", async () => {
    const r = await validate(tokenless, { allowCommands: true });
    expect(r.status).toBe(403);
    expect(r.json.error).toMatchObject({ code: "FORBIDDEN", details: { missing: ["admin token"] } });
    expect(r.json.error.message).toContain("admin-scoped bearer token");
    expect(existsSync(join(tokenless.cwd, MARK))).toBe(false);
    // Without commands the same request is served, the command check reported as not run.
    const plain = await validate(tokenless, {});
    expect(plain.status).toBe(200);
    expect(JSON.stringify(plain.json.results)).toContain("Not run");
    expect(existsSync(join(tokenless.cwd, MARK))).toBe(false);
  });

  it("refuses an admin token when the configuration does not allow commands", async () => {
    const r = await validate(notConfigured, { allowCommands: true }, ADMIN);
    expect(r.status).toBe(403);
    expect(r.json.error).toMatchObject({ code: "FORBIDDEN", details: { missing: ["http.allowCommands"] } });
    expect(r.json.error.message).toContain("http.allowCommands: true");
    expect(existsSync(join(notConfigured.cwd, MARK))).toBe(false);
  });

  it("runs the command with both, and refuses a token without the admin scope", async () => {
    const writer = await validate(allowed, { allowCommands: true }, WRITER);
    expect(writer.status).toBe(403);
    expect(existsSync(join(allowed.cwd, MARK))).toBe(false);
    const r = await validate(allowed, { allowCommands: true }, ADMIN);
    expect(r.status, r.text).toBe(200);
    const check = (r.json.results as { pafId?: string; check: string; ok: boolean }[]).find(
      (x) => x.pafId === "SEC-001",
    );
    expect(check).toMatchObject({ check: "command", ok: true });
    expect(existsSync(join(allowed.cwd, MARK))).toBe(true);
  });
});
