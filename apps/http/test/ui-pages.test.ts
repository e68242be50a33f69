import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileBackend } from "@tta-dev/memory-file";
import { createHandlers } from "@tta-dev/workflow";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpApp, hashToken, type RunningHttpServer, startHttpServer } from "../src/index.js";
import { escapeHtml } from "../src/ui/html.js";
import { jsonApi } from "./helpers.js";
import { rawRequest } from "./raw.js";

const MAIN = "auth-design-2026-01-01";
const XSS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  '[click](javascript:alert(1)) and ![x](x" onerror="alert(1))',
];
const TOKEN = "ui-admin-token-0001";
const TEAM_TOKEN = "ui-team-reader-token-0001";

function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

async function startServer(tokens: boolean) {
  const root = await mkdtemp(join(tmpdir(), "tta-ui-"));
  await writeFile(join(root, "PAFCORE.md"), "# PAFs\n\n- **QUAL-001**: Minimum 70% test coverage\n");
  const backend = createFileBackend({ root: join(root, ".tta") });
  const handlers = createHandlers({ backend, root, dataDir: join(root, ".tta"), version: "0.0.0-test" });
  const app = createHttpApp({
    handlers,
    ready: () => backend.ping(),
    logger: pino({ level: "silent" }),
    ...(tokens
      ? {
          tokens: [
            { name: "admin", sha256: hashToken(TOKEN), scopes: ["admin"] as const, namespaces: ["*"] },
            { name: "team", sha256: hashToken(TEAM_TOKEN), scopes: ["read"] as const, namespaces: ["team"] },
          ],
        }
      : {}),
  });
  const server = await startHttpServer({ app, port: 0, hasTokens: tokens });
  return { server, root, backend };
}

describe("web inspector pages (file backend, real server)", () => {
  let server: RunningHttpServer;
  let root: string;
  const api = jsonApi(() => server.url);
  const page = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    return { status: res.status, text: await res.text(), headers: res.headers };
  };

  beforeAll(async () => {
    ({ server, root } = await startServer(false));
    await api("POST", "/v1/sessions", { id: MAIN, title: "Auth <b>design</b>", tags: ["auth", "ui"] });
    for (let i = 2; i <= 6; i++)
      await api("POST", "/v1/sessions", { id: `auth-review-2026-01-0${i}`, tags: ["auth"] });
    await api("POST", "/v1/sessions", { id: "billing-fix-2026-02-01", tags: ["billing"] });
    await api("POST", `/v1/sessions/auth-review-2026-01-06/complete`, {
      lessons: ["Rotate the signing keys"],
    });
    for (const content of ["first message", ...XSS]) {
      await api("POST", `/v1/sessions/${MAIN}/messages`, { content });
    }
    await api("PUT", `/v1/sessions/${MAIN}/cache/draft-plan`, { value: { step: 1 }, ttlMs: 3_600_000 });
    await api("POST", "/v1/groups", { name: "feature-auth", description: "Auth work" });
    await api("POST", "/v1/groups/feature-auth/sessions", { sessionId: MAIN });
    await api("POST", "/v1/groups", { name: "old-work", description: "Done" });
    await api("POST", "/v1/groups/old-work/status", { status: "closed" });
    await api("POST", "/v1/memories", {
      content: "Tokens expire after one hour",
      kind: "lesson",
      tags: ["auth"],
      sessionId: MAIN,
    });
    await api("POST", "/v1/memories", { content: "Billing uses cents", kind: "decision", tags: ["billing"] });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("lists sessions with the security headers, filters and pages with the cursor", async () => {
    const home = await page("/ui");
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toContain("text/html");
    expect(home.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(home.headers.get("x-content-type-options")).toBe("nosniff");
    expect(home.headers.get("referrer-policy")).toBe("no-referrer");
    expect(home.text).toContain(`href="/ui/sessions/${MAIN}"`);
    expect(home.text).toContain("billing-fix-2026-02-01");
    expect(home.text).toContain("Auth &lt;b&gt;design&lt;/b&gt;");
    expect(home.text).toContain('<a class="skip" href="#main">');
    expect(home.text).toMatch(/<label>Tag <input type="text" name="tag"/);

    const billing = await page("/ui?tag=billing");
    expect(billing.text).toContain("billing-fix-2026-02-01");
    expect(billing.text).not.toContain(MAIN);
    const completed = await page("/ui?status=completed");
    expect(completed.text).toContain("auth-review-2026-01-06");
    expect(completed.text).not.toContain(`/ui/sessions/${MAIN}"`);
    const component = await page("/ui?component=billing");
    expect(component.text).toContain("billing-fix-2026-02-01");
    expect(component.text).not.toContain("auth-review-2026-01-02");
    // The date of the name (or the day created): from and to, inclusive.
    const dated = await page("/ui?dateFrom=2026-01-02&dateTo=2026-01-03");
    expect(dated.text).toContain("auth-review-2026-01-02");
    expect(dated.text).toContain("auth-review-2026-01-03");
    expect(dated.text).not.toContain("auth-review-2026-01-04");
    expect(dated.text).not.toContain("billing-fix-2026-02-01");
    expect(dated.text).toMatch(/<label>From <input type="date" name="dateFrom" value="2026-01-02">/);
    const badDate = await page("/ui?dateFrom=yesterday");
    expect(badDate.status).toBe(400);
    expect(badDate.text).toContain("VALIDATION_FAILED");

    const seen: string[] = [];
    let path: string | null = "/ui?limit=3";
    let pages = 0;
    while (path) {
      const p = await page(path);
      expect(p.status).toBe(200);
      pages++;
      for (const m of p.text.matchAll(/href="\/ui\/sessions\/([^"?]+)"/g))
        seen.push(decodeURIComponent(m[1]!));
      const next = /<a rel="next" href="([^"]+)">/.exec(p.text);
      path = next ? unescapeHtml(next[1]!) : null;
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(
      [MAIN, ...[2, 3, 4, 5, 6].map((i) => `auth-review-2026-01-0${i}`), "billing-fix-2026-02-01"].sort(),
    );
  });

  it("shows a session: fields, escaped messages, cache with time left, groups, lessons", async () => {
    const p = await page(`/ui/sessions/${MAIN}`);
    expect(p.status).toBe(200);
    expect(p.text).toContain("first message");
    for (const content of XSS) expect(p.text).toContain(escapeHtml(content));
    expect(p.text).not.toContain("<script>alert");
    expect(p.text).not.toContain("<img src=x");
    expect(p.text).not.toMatch(/<a [^>]*javascript:/);
    expect(p.text).not.toMatch(/<img/);
    expect(p.text).toContain("draft-plan");
    expect(p.text).toMatch(/<td>(59|60) min<\/td>/);
    expect(p.text).toContain("feature-auth");
    expect(p.text).toContain("Tokens expire after one hour");

    const paged = await page(`/ui/sessions/${MAIN}?limit=2`);
    expect(paged.text).toContain("first message");
    expect(paged.text).not.toContain(escapeHtml(XSS[1]!));
    const next = /<a rel="next" href="([^"]+)">/.exec(paged.text);
    expect(next).not.toBeNull();
    const second = await page(unescapeHtml(next![1]!));
    expect(second.text).toContain(escapeHtml(XSS[1]!));
    expect(second.text).not.toContain("first message");
  });

  it("previews the context exactly as context.load renders it in markdown, with explain and budget", async () => {
    const p = await page(`/ui/sessions/${MAIN}/context?stage=implement&mode=standard`);
    expect(p.status).toBe(200);
    const out = await api("POST", `/v1/sessions/${MAIN}/context`, {
      stage: "implement",
      mode: "standard",
      format: "markdown",
    });
    const pre = /<pre id="context"[^>]*>([\s\S]*?)<\/pre>/.exec(p.text);
    expect(pre).not.toBeNull();
    expect(unescapeHtml(pre![1]!)).toBe(out.rendered);
    expect(pre![1]!).not.toContain("<script>");
    expect(p.text).toMatch(/<meter [^>]*max="\d+" value="\d+"/);
    expect(p.text).toContain('<th scope="col">Why</th>');
    expect(p.text).toMatch(/<td>(included|dropped)<\/td>/);
  });

  it("shows the groups board, memory search with scores and PAFs with validation", async () => {
    const groups = await page("/ui/groups");
    expect(groups.status).toBe(200);
    const active = groups.text.indexOf('id="col-active"');
    const closed = groups.text.indexOf('id="col-closed"');
    const archived = groups.text.indexOf('id="col-archived"');
    expect(active).toBeGreaterThan(-1);
    expect(groups.text.indexOf("feature-auth")).toBeGreaterThan(active);
    expect(groups.text.indexOf("feature-auth")).toBeLessThan(closed);
    expect(groups.text.indexOf("old-work")).toBeGreaterThan(closed);
    expect(groups.text.indexOf("old-work")).toBeLessThan(archived);

    const memory = await page("/ui/memory?q=tokens&tag=auth&kind=lesson");
    expect(memory.status).toBe(200);
    expect(memory.text).toContain("Tokens expire after one hour");
    expect(memory.text).not.toContain("Billing uses cents");
    expect(memory.text).toMatch(/<td>[\d.]+ × [\d.]+ × [\d.]+ × [\d.]+<\/td>/);
    const decisions = await page("/ui/memory?kind=decision");
    expect(decisions.text).toContain("Billing uses cents");
    expect(decisions.text).not.toContain("Tokens expire");

    const pafs = await page("/ui/pafs");
    expect(pafs.status).toBe(200);
    expect(pafs.text).toContain("QUAL-001");
    expect(pafs.text).toContain("Minimum 70% test coverage");
    expect(pafs.text).toContain('<h2 id="validation">');
    expect(pafs.text).toMatch(/checks passed/);
  });

  it("answers errors with an HTML page carrying the contract code and status", async () => {
    const missing = await page("/ui/sessions/nobody-here-2026-01-01");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("text/html");
    expect(missing.text).toContain("SESSION_NOT_FOUND");
    const bad = await page(`/ui/sessions/${encodeURIComponent("../etc")}`);
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/NAME_INVALID|VALIDATION_FAILED/);
    const stage = await page(`/ui/sessions/${MAIN}/context?stage=nope`);
    expect(stage.status).toBe(400);
    expect(stage.text).toContain("VALIDATION_FAILED");
    const badNs = await page(`/ui?namespace=${encodeURIComponent("../x")}`);
    expect(badNs.status).toBe(400);
    expect(badNs.text).toContain("NAME_INVALID");
    const otherNs = await page("/ui?namespace=elsewhere");
    expect(otherNs.status).toBe(200);
    expect(otherNs.text).not.toContain(MAIN);
  });

  it("is behind the guard: a foreign Host and a cross-site Origin are refused", async () => {
    const foreign = await rawRequest(server.url, "GET", "/ui", { headers: { host: "evil.example" } });
    expect(foreign.status).toBe(403);
    const cross = await rawRequest(server.url, "GET", "/ui", {
      headers: { origin: "https://evil.example" },
    });
    expect(cross.status).toBe(403);
    const host = new URL(server.url).host;
    const login = await rawRequest(server.url, "POST", "/ui/login", {
      headers: {
        host,
        origin: "https://evil.example",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "token=x",
    });
    expect(login.status).toBe(403);
    const fetchSite = await rawRequest(server.url, "POST", "/ui/login", {
      headers: { host, "sec-fetch-site": "cross-site", "content-type": "application/x-www-form-urlencoded" },
      body: "token=x",
    });
    expect(fetchSite.status).toBe(403);
    const sameOrigin = await rawRequest(server.url, "POST", "/ui/login", {
      headers: { host, origin: server.url, "content-type": "application/x-www-form-urlencoded" },
      body: "token=x",
    });
    expect(sameOrigin.status).toBe(303);
    expect(sameOrigin.headers["set-cookie"]).toBeUndefined();
    const slash = await rawRequest(server.url, "GET", "/ui/?tag=auth", { headers: { host } });
    expect(slash.status).toBe(301);
    expect(slash.headers.location).toBe("/ui?tag=auth");
  });
});

describe("web inspector with tokens", () => {
  let server: RunningHttpServer;
  let root: string;
  beforeAll(async () => {
    ({ server, root } = await startServer(true));
    const res = await fetch(`${server.url}/v1/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ id: MAIN }),
    });
    expect(res.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("shows the login form (401) without a token and the page with the cookie or the bearer header", async () => {
    const host = new URL(server.url).host;
    const anonymous = await rawRequest(server.url, "GET", "/ui", { headers: { host } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.text).toContain('<form method="post" action="/ui/login">');
    expect(anonymous.text).toContain('<label for="token">');
    expect(anonymous.text).not.toContain(MAIN);
    expect(anonymous.headers["content-security-policy"]).toContain("default-src 'none'");

    const wrong = await rawRequest(server.url, "POST", "/ui/login", {
      headers: { host, origin: server.url, "content-type": "application/x-www-form-urlencoded" },
      body: "token=wrong-token",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers["set-cookie"]).toBeUndefined();

    const crossSite = await rawRequest(server.url, "POST", "/ui/login", {
      headers: { host, origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: `token=${TOKEN}`,
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers["set-cookie"]).toBeUndefined();

    const login = await rawRequest(server.url, "POST", "/ui/login", {
      headers: { host, origin: server.url, "content-type": "application/x-www-form-urlencoded" },
      body: `token=${TOKEN}`,
    });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe("/ui");
    const cookie = login.headers["set-cookie"]![0]!;
    expect(cookie).toMatch(/^tta_token=[^;]+; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");

    const withCookie = await rawRequest(server.url, "GET", "/ui", {
      headers: { host, cookie: cookie.split(";")[0]! },
    });
    expect(withCookie.status).toBe(200);
    expect(withCookie.text).toContain(MAIN);
    const bearer = await rawRequest(server.url, "GET", `/ui/sessions/${MAIN}`, {
      headers: { host, authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(200);
    expect(bearer.text).toContain(MAIN);
    const team = { host, authorization: `Bearer ${TEAM_TOKEN}` };
    const teamHome = await rawRequest(server.url, "GET", "/ui", { headers: team });
    expect(teamHome.status).toBe(200);
    expect(teamHome.text).not.toContain(MAIN);
    const teamElsewhere = await rawRequest(server.url, "GET", "/ui?namespace=default", { headers: team });
    expect(teamElsewhere.status).toBe(403);
    expect(teamElsewhere.text).toContain("FORBIDDEN");
    const teamPafs = await rawRequest(server.url, "GET", "/ui/pafs", { headers: team });
    expect(teamPafs.status).toBe(200);
    expect(teamPafs.text).toContain("Validation needs a token with the admin scope");
    const adminPafs = await rawRequest(server.url, "GET", "/ui/pafs", {
      headers: { host, authorization: `Bearer ${TOKEN}` },
    });
    expect(adminPafs.text).toMatch(/checks passed/);
    const badCookie = await rawRequest(server.url, "GET", "/ui", {
      headers: { host, cookie: "tta_token=not-the-token" },
    });
    expect(badCookie.status).toBe(401);
  });
});
