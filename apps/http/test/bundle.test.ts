import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gunzipSync } from "node:zlib";
import { createTtaClient } from "@tta-dev/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliProcess } from "./cli-process.js";
import { jsonApi } from "./helpers.js";
import { type ServerProcess, startServerProcess } from "./process.js";
import { rawRequest, workspaceWith } from "./raw.js";

/*
 * GET /v1/export and POST /v1/import between real server processes, each on a workspace (file
 * backend) of its own: the bundle streams out of one and into the other.
 */

const S = "bundle-http-2026-12-07";
const NDJSON = { "content-type": "application/x-ndjson" };
const PAFCORE = `# PAFCORE — Permanent Architectural Facts

## Architecture

- **ARCH-001**: Handlers hold the business logic; the apps only translate.
  - Check: file-exists PAFCORE.md
`;

async function stop(server: ServerProcess | undefined) {
  if (!server) return;
  server.child.kill("SIGTERM");
  await server.exited;
}

/** Every file under `dir` with a digest of its bytes: what the store holds, byte for byte. */
async function listing(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(dir, path)] = createHash("sha256")
      .update(await readFile(path))
      .digest("hex");
  }
  return out;
}

async function exportText(base: string, query = ""): Promise<string> {
  const res = await fetch(`${base}/v1/export${query}`);
  expect(res.status).toBe(200);
  return res.text();
}

/**
 * The entity lines of a bundle: what two exports of the same data share. Not the header (its time),
 * nor the trailer (its checksum covers the header); not a cache entry's `expiresAt` (the store's port
 * takes a TTL, so an import lands it a few milliseconds later: see {@link expiries}), nor a PAF's line
 * (in the PAFCORE.md the import wrote, not the one it was parsed from).
 */
const entities = (text: string) =>
  text
    .split("\n")
    .filter((l) => l !== "")
    .slice(1, -1)
    .map((l) => {
      const line = JSON.parse(l);
      if (line.type === "cache") line.entry.expiresAt = undefined;
      if (line.type === "paf") line.paf.source.line = 0;
      return line;
    });

const expiries = (text: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith('{"type":"cache"'))
    .map((l) => Date.parse(JSON.parse(l).entry.expiresAt));

function importBody(
  base: string,
  body: string | Buffer,
  query = "",
  headers: Record<string, string> = NDJSON,
) {
  return rawRequest(base, "POST", `/v1/import${query}`, {
    headers,
    body: body as string,
  });
}

describe("bundle routes between two servers (real processes)", () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let cwdA: string;
  let cwdB: string;
  let spoolB: string;
  const apiA = jsonApi(() => a.url);

  beforeAll(async () => {
    cwdA = await workspaceWith("", { "PAFCORE.md": PAFCORE });
    cwdB = await workspaceWith("");
    spoolB = await mkdtemp(join(tmpdir(), "tta-spool-"));
    [a, b] = await Promise.all([
      startServerProcess(["--port", "0"], { cwd: cwdA }),
      startServerProcess(["--port", "0"], { cwd: cwdB, env: { TMPDIR: spoolB } }),
    ]);
    await apiA("POST", "/v1/sessions", { id: S, title: "Bundles over HTTP", tags: ["bundle"] });
    await apiA("POST", `/v1/sessions/${S}/messages`, {
      messages: [
        { role: "user", content: "Export over HTTP" },
        { role: "assistant", content: "Streamed page by page", idempotencyKey: "k-1" },
      ],
    });
    await apiA("PUT", `/v1/sessions/${S}/cache/plan`, { value: { step: 1 }, ttlMs: 3_600_000 });
    await apiA("POST", "/v1/memories", { content: "Spool bodies read twice", kind: "lesson", sessionId: S });
    await apiA("POST", "/v1/groups", { name: "bundle-work" });
    await apiA("POST", "/v1/groups/bundle-work/sessions", { sessionId: S });
  }, 90_000);
  afterAll(() => Promise.all([stop(a), stop(b)]));

  it("answers the bundle as NDJSON, with the PAF snapshot of PAFCORE.md", async () => {
    const res = await fetch(`${a.url}/v1/export`);
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    expect(res.headers.get("content-disposition")).toContain('filename="tta-default.ndjson"');
    const lines = (await res.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: "header", format: "tta-bundle", namespace: "default" });
    expect(lines.at(-1)).toMatchObject({
      type: "trailer",
      counts: { session: 1, message: 2, cache: 1, memory: 1, group: 1, paf: 1 },
    });
    expect(lines.find((l) => l.type === "paf").paf).toMatchObject({ id: "ARCH-001", status: "active" });
  });

  it("answers gzip with gzip=true or Accept: application/gzip", async () => {
    const plain = await exportText(a.url);
    const asks: { q: string; h: Record<string, string> }[] = [
      { q: "?gzip=true", h: {} },
      { q: "", h: { accept: "application/gzip" } },
    ];
    for (const init of asks) {
      const res = await fetch(`${a.url}/v1/export${init.q}`, { headers: init.h });
      expect(res.headers.get("content-type")).toBe("application/gzip");
      const text = gunzipSync(Buffer.from(await res.arrayBuffer())).toString("utf8");
      expect(entities(text)).toEqual(entities(plain));
    }
  });

  it("selects sessions and refuses an unknown one before any byte of bundle", async () => {
    const one = await exportText(a.url, `?sessions=${S}`);
    expect(JSON.parse(one.trim().split("\n").at(-1)!).counts.session).toBe(1);
    const missing = await fetch(`${a.url}/v1/export?sessions=nope-2026-12-07`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("SESSION_NOT_FOUND");
    const bad = await fetch(`${a.url}/v1/export?since=yesterday`);
    expect(bad.status).toBe(400);
  });

  it("gives the bundle tta export gives of the same workspace, and one tta import bundle takes", async () => {
    const cli = await runCliProcess(["export"], cwdA);
    expect(cli.code, cli.stderr).toBe(0);
    const http = await exportText(a.url);
    expect(entities(http)).toEqual(entities(cli.stdout));
    const header = (text: string) => ({ ...JSON.parse(text.split("\n")[0]!), createdAt: "*" });
    expect(header(http)).toEqual(header(cli.stdout));
    const elsewhere = await workspaceWith("");
    await writeFile(join(elsewhere, "b.ndjson"), http);
    const imported = await runCliProcess(["import", "bundle", "b.ndjson", "--dry-run", "--json"], elsewhere);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      dryRun: true,
      imported: { sessions: 1, messages: 2 },
    });
  });

  it("round trip: dry run writes nothing, the import gives an identical export, a second import skips all", async () => {
    const bundle = await exportText(a.url);
    const before = await listing(join(cwdB, ".tta"));

    const dry = await importBody(b.url, bundle, "?dryRun=true");
    expect(dry.status, dry.text).toBe(200);
    expect(dry.json).toMatchObject({ dryRun: true, imported: { sessions: 1, messages: 2, pafs: 1 } });
    expect(await listing(join(cwdB, ".tta"))).toEqual(before);
    await expect(readFile(join(cwdB, "PAFCORE.md"))).rejects.toThrow();

    const first = await importBody(b.url, bundle);
    expect(first.status, first.text).toBe(200);
    expect(first.json).toMatchObject({
      namespace: "default",
      dryRun: false,
      imported: { sessions: 1, messages: 2, cache: 1, memories: 1, groups: 1, pafs: 1 },
      paf: { written: "PAFCORE.md", differing: [] },
    });
    const again = await exportText(b.url);
    expect(entities(again)).toEqual(entities(bundle));
    const [was, is] = [expiries(bundle), expiries(again)];
    expect(is.length).toBe(1);
    expect(Math.abs(is[0]! - was[0]!)).toBeLessThan(1000);

    const second = await importBody(b.url, bundle);
    expect(second.json.imported).toEqual({
      sessions: 0,
      messages: 0,
      cache: 0,
      memories: 0,
      groups: 0,
      pafs: 0,
    });
    expect(second.json.skipped).toMatchObject({ sessions: 1, messages: 2, memories: 1, groups: 1, pafs: 1 });
    expect(second.json.paf).toEqual({ written: null, differing: [] });
    // The spooled bodies are gone, whatever the outcome.
    expect((await readdir(spoolB)).filter((f) => f.startsWith("tta-import-"))).toEqual([]);
  });

  it("takes a gzip body", async () => {
    const res = await fetch(`${a.url}/v1/export?gzip=true`);
    const gz = Buffer.from(await res.arrayBuffer());
    const r = await importBody(b.url, gz, "", { "content-type": "application/gzip" });
    expect(r.status, r.text).toBe(200);
    expect(r.json.skipped.sessions).toBe(1);
  });

  it("is exported and imported by the typed client: lines as they stream, a stream as the body", async () => {
    const source = createTtaClient({ baseUrl: a.url });
    const target = createTtaClient({ baseUrl: b.url });
    const plain = await exportText(a.url);
    const lines: string[] = [];
    for await (const line of (await source.exportBundle({ gzip: true })).lines()) lines.push(line);
    expect(entities(`${lines.join("\n")}\n`)).toEqual(entities(plain));
    const streamed = await target.importBundle((await source.exportBundle()).body, { dryRun: true });
    expect(streamed).toMatchObject({ dryRun: true, skipped: { sessions: 1, messages: 2 } });
    const gz = Buffer.from(await (await fetch(`${a.url}/v1/export?gzip=true`)).arrayBuffer());
    expect((await target.importBundle(gz)).skipped.sessions).toBe(1);
    await expect(target.importBundle("not a bundle\n")).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      status: 400,
      details: { line: 1 },
    });
  });

  it("refuses truncated and edited bundles naming the line, and writes nothing", async () => {
    const fresh = await workspaceWith("");
    const spool = await mkdtemp(join(tmpdir(), "tta-spool-"));
    const c = await startServerProcess(["--port", "0"], { cwd: fresh, env: { TMPDIR: spool } });
    try {
      const lines = (await exportText(a.url)).split("\n").filter((l) => l !== "");
      const truncated = `${lines.slice(0, -1).join("\n")}\n`;
      const edited = `${lines.map((l) => l.replace("Export over HTTP", "Export over HTTPS")).join("\n")}\n`;
      const hostile = `${[lines[0], '{"type":"session","__proto__":{"x":1}}', ...lines.slice(1)].join("\n")}\n`;
      const before = await listing(join(fresh, ".tta"));
      for (const [body, line] of [
        [truncated, lines.length],
        [edited, lines.length],
        [hostile, 2],
      ] as const) {
        const r = await importBody(c.url, body);
        expect(r.status, r.text).toBe(400);
        expect(r.json.error).toMatchObject({ code: "VALIDATION_FAILED", details: { line } });
      }
      const r = await importBody(c.url, "");
      expect(r.json.error.code).toBe("VALIDATION_FAILED");
      expect(await listing(join(fresh, ".tta"))).toEqual(before);
      expect((await readdir(spool)).filter((f) => f.startsWith("tta-import-"))).toEqual([]);
    } finally {
      await stop(c);
    }
  });

  it("refuses an import that is cross-site, for a foreign Host, or of another media type", async () => {
    const bundle = await exportText(a.url);
    const before = await listing(join(cwdB, ".tta"));
    const cases: [Record<string, string>, number][] = [
      [{ ...NDJSON, origin: "https://evil.example" }, 403],
      [{ ...NDJSON, "sec-fetch-site": "cross-site" }, 403],
      [{ ...NDJSON, host: "evil.example" }, 403],
      [{ "content-type": "text/plain" }, 415],
      [{ "content-type": "application/json" }, 415],
      [{ "content-type": "application/x-www-form-urlencoded" }, 415],
      [{}, 415],
    ];
    for (const [headers, status] of cases) {
      const r = await importBody(b.url, bundle, "", headers);
      expect(r.status, JSON.stringify(headers)).toBe(status);
    }
    expect((await rawRequest(b.url, "GET", "/v1/export", { headers: { host: "evil.example" } })).status).toBe(
      403,
    );
    expect(await listing(join(cwdB, ".tta"))).toEqual(before);
  });

  it("keeps an existing PAFCORE.md as it is and reports the PAFs that differ; fail refuses", async () => {
    await writeFile(join(cwdB, "PAFCORE.md"), "# Mine\n\n- **ARCH-001**: Something else entirely.\n");
    const bundle = await exportText(a.url);
    const skip = await importBody(b.url, bundle);
    expect(skip.json.paf).toEqual({ written: null, differing: ["ARCH-001"] });
    expect(skip.json.skipped.pafs).toBe(1);
    const fail = await importBody(b.url, bundle, "?onConflict=fail");
    expect(fail.status).toBe(409);
    expect(fail.json.error).toMatchObject({ code: "ALREADY_EXISTS", details: { pafId: "ARCH-001" } });
    expect(await readFile(join(cwdB, "PAFCORE.md"), "utf8")).toContain("Something else entirely");
  });
});

describe("bundle routes: limits, scopes and streaming (real process)", () => {
  let server: ServerProcess;
  let cwd: string;
  let spool: string;
  const ADMIN = "bundle-admin-token-000001";
  const WRITER = "bundle-writer-token-00001";
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });

  beforeAll(async () => {
    const sha = createHash("sha256").update(WRITER).digest("hex");
    cwd = await workspaceWith(
      `http:\n  importLimitBytes: 4096\n  tokens:\n    - name: writer\n      sha256: ${sha}\n      scopes: [read, write]\n      namespaces: ["*"]\n`,
    );
    spool = await mkdtemp(join(tmpdir(), "tta-spool-"));
    server = await startServerProcess(["--port", "0"], {
      cwd,
      env: { TTA_HTTP_TOKEN: ADMIN, TMPDIR: spool },
    });
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...auth(ADMIN) },
        body: JSON.stringify(body),
      }).then(async (r) => expect(r.status, await r.text()).toBeLessThan(300));
    await post("/v1/sessions", { id: S });
    const content = "x".repeat(1000);
    for (let batch = 0; batch < 6; batch++) {
      await post(`/v1/sessions/${S}/messages`, {
        messages: Array.from({ length: 1000 }, (_, i) => ({ content: `${batch}-${i} ${content}` })),
      });
    }
  }, 120_000);
  afterAll(() => stop(server));

  it("needs the admin scope for both", async () => {
    const exp = await fetch(`${server.url}/v1/export`, { headers: auth(WRITER) });
    expect(exp.status).toBe(403);
    const imp = await rawRequest(server.url, "POST", "/v1/import", {
      headers: { ...NDJSON, ...auth(WRITER) },
      body: "",
    });
    expect(imp.status).toBe(403);
    expect((await fetch(`${server.url}/v1/export`)).status).toBe(401);
  });

  it("refuses a bundle over http.importLimitBytes with 413 LIMIT_EXCEEDED, declared or streamed", async () => {
    const before = await listing(join(cwd, ".tta"));
    const big = `${"{}\n".repeat(3000)}`;
    const declared = await rawRequest(server.url, "POST", "/v1/import", {
      headers: { ...NDJSON, ...auth(ADMIN) },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(declared.json.error).toMatchObject({ code: "LIMIT_EXCEEDED", details: { limit: 4096 } });
    // Chunked, without a Content-Length: counted as it is spooled.
    const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const url = new URL(server.url);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          method: "POST",
          path: "/v1/import",
          headers: { ...NDJSON, ...auth(ADMIN) },
        },
        (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 10; i++) req.write("x".repeat(1000));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.text).error.code).toBe("LIMIT_EXCEEDED");
    expect(await listing(join(cwd, ".tta"))).toEqual(before);
    expect((await readdir(spool)).filter((f) => f.startsWith("tta-import-"))).toEqual([]);
  });

  it("streams a large export: the first bytes come long before the last", async () => {
    const started = performance.now();
    const res = await fetch(`${server.url}/v1/export`, { headers: auth(ADMIN) });
    const reader = res.body!.getReader();
    const first = await reader.read();
    const firstAt = performance.now() - started;
    expect(new TextDecoder().decode(first.value).split("\n")[0]).toContain('"type":"header"');
    let bytes = first.value!.length;
    let chunks = 1;
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      bytes += next.value.length;
      chunks++;
    }
    const total = performance.now() - started;
    expect(bytes).toBeGreaterThan(6_000_000);
    expect(chunks).toBeGreaterThan(10);
    expect(firstAt).toBeLessThan(total / 2);
  });

  it("survives a client that goes away mid-export, and serves the next one whole", async () => {
    for (let n = 0; n < 3; n++) {
      const controller = new AbortController();
      const res = await fetch(`${server.url}/v1/export`, { headers: auth(ADMIN), signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.read().catch(() => {});
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const whole = await (await fetch(`${server.url}/v1/export`, { headers: auth(ADMIN) })).text();
    expect(JSON.parse(whole.trim().split("\n").at(-1)!).counts.message).toBe(6000);
    expect(server.child.exitCode).toBeNull();
  });
});
