import { timingSafeEqual } from "node:crypto";
import type { Handlers, OperationName } from "@tta-dev/contract";
import { HTTP_STATUS } from "@tta-dev/contract";
import {
  checkNamespace,
  LAYERS,
  type LoadedContext,
  type MemoryHit,
  type Message,
  type Paf,
  type Session,
  type SessionGroup,
  toTtaError,
  UnauthorizedError,
  WORKFLOW_MODES,
  WORKFLOW_STAGES,
} from "@tta-dev/core";
import type { Context, Hono } from "hono";
import {
  authenticate,
  hashToken,
  type Principal,
  requireScope,
  resolveNamespace,
  type TokenRecord,
  type TokenScope,
} from "../auth.js";
import type { ErrorBodyOf } from "../error-body.js";
import { type Html, type HtmlValue, href, html, raw } from "./html.js";

/** What the web inspector needs from the app. */
export interface UiOptions {
  handlers: Handlers;
  tokens: readonly TokenRecord[];
  defaultNamespace: string;
  /** Parse and limit-check an operation's input, as the API does. */
  prepare: (name: OperationName, raw: unknown) => unknown;
  errorBody: ErrorBodyOf;
}

/** The headers of every inspector page. */
export const UI_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

/** The cookie the login form sets. */
export const TOKEN_COOKIE = "tta_token";

const STYLE = raw(`
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff}
header,main{padding:0 1rem}header nav ul{display:flex;gap:1rem;list-style:none;padding:0;flex-wrap:wrap}
a{color:#0645ad}a:focus,button:focus,input:focus,select:focus{outline:3px solid #f90;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;padding:.25rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;background:#f4f4f4;padding:.75rem;border:1px solid #ccc;max-width:100%;overflow:auto}
form.filters{display:flex;gap:.75rem;flex-wrap:wrap;align-items:end}form.filters label{display:flex;flex-direction:column}
.board{display:grid;grid-template-columns:repeat(3,minmax(12rem,1fr));gap:1rem}.board section{border:1px solid #ccc;padding:0 .75rem}
.error{border-left:4px solid #b00;padding-left:.75rem}meter{width:12rem}
`);

type Page = { status: number; body: Html };

class LoginNeeded extends Error {}

function layout(title: string, body: Html, namespace: string | undefined): Html {
  const ns = { namespace };
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · tta inspector</title><style>${STYLE}</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><p><strong>tta inspector</strong>${namespace ? html` · namespace <code>${namespace}</code>` : ""}</p>
<nav aria-label="Main"><ul>
<li><a href="${href(["ui"], ns)}">Sessions</a></li>
<li><a href="${href(["ui", "groups"], ns)}">Groups</a></li>
<li><a href="${href(["ui", "memory"], ns)}">Memory</a></li>
<li><a href="${href(["ui", "pafs"], ns)}">PAFs</a></li>
</ul></nav></header>
<main id="main" tabindex="-1"><h1>${title}</h1>
${body}
</main></body></html>`;
}

function tags(list: readonly string[] | undefined): Html {
  return html`${(list ?? []).map((t, i) => html`${i ? ", " : ""}<code>${t}</code>`)}`;
}

function sessionLink(id: string, namespace: string | undefined): Html {
  return html`<a href="${href(["ui", "sessions", id], { namespace })}">${id}</a>`;
}

function field(label: string, value: HtmlValue): Html {
  return html`<tr><th scope="row">${label}</th><td>${value}</td></tr>`;
}

function select(name: string, label: string, options: readonly string[], value: string | undefined): Html {
  return html`<label>${label} <select name="${name}"><option value="">(any)</option>${options.map(
    (o) => html`<option${o === value ? raw(" selected") : ""}>${o}</option>`,
  )}</select></label>`;
}

function input(name: string, label: string, value: string | undefined, type = "text"): Html {
  return html`<label>${label} <input type="${type}" name="${name}" value="${value ?? ""}"></label>`;
}

function msLeft(expiresAt: string, now: number): string {
  const ms = Date.parse(expiresAt) - now;
  if (ms <= 0) return "expired";
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

function json(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? "" : text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** A non-empty query parameter, or undefined. */
function q(c: Context, name: string): string | undefined {
  const v = c.req.query(name);
  return v === undefined || v === "" ? undefined : v;
}

function int(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value;
}

function bearerFromCookie(cookie: string | undefined): string | undefined {
  for (const part of (cookie ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === TOKEN_COOKIE) {
      try {
        return decodeURIComponent(v.join("="));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function loginPage(namespace: string | undefined, message?: string): Html {
  return layout(
    "Log in",
    html`${message ? html`<p class="error" role="alert">${message}</p>` : ""}
<form method="post" action="/ui/login">
<p><label for="token">Bearer token</label><br><input id="token" name="token" type="password" autocomplete="current-password" required></p>
<input type="hidden" name="namespace" value="${namespace ?? ""}">
<p><button type="submit">Log in</button></p>
</form>`,
    namespace,
  );
}

function errorPage(code: string, message: string, namespace: string | undefined): Html {
  return layout(
    "Error",
    html`<div class="error" role="alert"><p>Error code <code>${code}</code></p><p>${message}</p></div>`,
    namespace,
  );
}

/**
 * Mount the web inspector at `/ui` on the app: server-rendered pages that call the same contract
 * handlers as the API, with its authentication, scopes and namespaces. The request guard of the app
 * runs first.
 */
export function mountUi(app: Hono, options: UiOptions): void {
  const { tokens } = options;

  function principalOf(c: Context): Principal | null {
    if (!tokens.length) return null;
    const header = c.req.header("authorization");
    if (header) return authenticate(header, tokens);
    const cookie = bearerFromCookie(c.req.header("cookie"));
    if (cookie === undefined) throw new LoginNeeded();
    return authenticate(`Bearer ${cookie}`, tokens);
  }

  function caller(c: Context) {
    const principal = principalOf(c);
    const asked = q(c, "namespace");
    const namespace = checkNamespace(resolveNamespace(principal, asked, options.defaultNamespace));
    const call = async <T>(name: OperationName, raw: Record<string, unknown>, scope: TokenScope = "read") => {
      if (principal) requireScope(principal, scope);
      const input = options.prepare(name, raw);
      const handler = options.handlers[name as keyof Handlers] as (
        i: unknown,
        ctx: { namespace: string },
      ) => Promise<unknown>;
      return (await handler(input, { namespace })) as T;
    };
    const may = (scope: TokenScope) => {
      if (!principal) return true;
      try {
        requireScope(principal, scope);
        return true;
      } catch {
        return false;
      }
    };
    return { call, may, namespace: asked };
  }

  type Caller = ReturnType<typeof caller>;

  const page = (title: string, render: (c: Context, api: Caller) => Promise<Html | Page>) => {
    return async (c: Context) => {
      const namespace = q(c, "namespace");
      for (const [k, v] of Object.entries(UI_HEADERS)) c.header(k, v);
      try {
        const api = caller(c);
        const out = await render(c, api);
        if ("status" in out && "body" in out) return c.html(String(out.body), out.status as 200);
        return c.html(String(layout(title, out as Html, namespace)));
      } catch (err) {
        if (err instanceof LoginNeeded) return c.html(String(loginPage(namespace)), 401);
        const e = toTtaError(err);
        if (e instanceof UnauthorizedError || e.code === "UNAUTHORIZED") {
          return c.html(String(loginPage(namespace, e.message)), 401);
        }
        const body = options.errorBody(e, c.get("requestId" as never) ?? "-");
        return c.html(
          String(errorPage(body.error.code, body.error.message, namespace)),
          (HTTP_STATUS[e.code] ?? 500) as 400,
        );
      }
    };
  };

  app.post("/ui/login", async (c) => {
    for (const [k, v] of Object.entries(UI_HEADERS)) c.header(k, v);
    const form = new URLSearchParams(await c.req.text());
    const token = form.get("token") ?? "";
    const namespace = form.get("namespace") || undefined;
    // Without tokens there is nothing to log in to: the pages are open (on loopback only).
    if (!tokens.length) return c.redirect(href(["ui"], { namespace }), 303);
    const digest = Buffer.from(hashToken(token), "hex");
    let ok = false;
    for (const t of tokens) {
      const stored = Buffer.from(t.sha256, "hex");
      if (stored.length === digest.length && timingSafeEqual(stored, digest)) ok = true;
    }
    if (!ok || !/^[\x21-\x7e]{1,512}$/.test(token)) {
      return c.html(String(loginPage(namespace, "Unknown token.")), 401);
    }
    c.header(
      "set-cookie",
      `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/ui; HttpOnly; SameSite=Strict${
        new URL(c.req.url).protocol === "https:" ? "; Secure" : ""
      }`,
    );
    c.header("location", href(["ui"], { namespace }));
    return c.body(null, 303);
  });

  app.get("/ui/", (c) => {
    const query = new URL(c.req.url).search;
    return c.redirect(`/ui${query}`, 301);
  });

  app.get(
    "/ui",
    page("Sessions", async (c, api) => {
      const filters = {
        status: q(c, "status"),
        tag: q(c, "tag"),
        component: q(c, "component"),
        dateFrom: q(c, "dateFrom"),
        dateTo: q(c, "dateTo"),
      };
      const limit = int(q(c, "limit"));
      const cursor = q(c, "cursor");
      const res = await api.call<{ items: Session[]; nextCursor: string | null }>("session.list", {
        order: "newest",
        ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)),
        ...(limit !== undefined ? { limit } : {}),
        ...(cursor ? { cursor } : {}),
      });
      const ns = api.namespace;
      return html`<form class="filters" method="get" action="/ui" aria-label="Filter sessions">
${select("status", "Status", ["active", "completed", "archived"], filters.status)}
${input("tag", "Tag", filters.tag)}
${input("component", "Component", filters.component)}
${input("dateFrom", "From", filters.dateFrom, "date")}
${input("dateTo", "To", filters.dateTo, "date")}
${input("namespace", "Namespace", ns)}
<button type="submit">Filter</button></form>
${
  res.items.length
    ? html`<table><caption>Sessions</caption><thead><tr><th scope="col">Id</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Stage</th><th scope="col">Tags</th><th scope="col">Component</th><th scope="col">Updated</th></tr></thead><tbody>
${res.items.map(
  (s) =>
    html`<tr><td>${sessionLink(s.id, ns)}</td><td>${s.title}</td><td>${s.status}</td><td>${s.stage}</td><td>${tags(s.tags)}</td><td>${s.component}</td><td><time datetime="${s.updatedAt}">${s.updatedAt}</time></td></tr>\n`,
)}</tbody></table>`
    : html`<p>No sessions match.</p>`
}
${
  res.nextCursor
    ? html`<nav aria-label="Pages"><a rel="next" href="${href(["ui"], { ...filters, limit: limit === undefined ? undefined : String(limit), namespace: ns, cursor: res.nextCursor })}">Next page</a></nav>`
    : ""
}`;
    }),
  );

  app.get(
    "/ui/sessions/:id",
    page("Session", async (c, api) => {
      const id = c.req.param("id") ?? "";
      const ns = api.namespace;
      const s = await api.call<Session>("session.get", { id });
      const after = int(q(c, "after")) ?? 0;
      const limit = int(q(c, "limit")) ?? 50;
      const messages = await api.call<{ items: Message[]; nextCursor: string | null }>("message.list", {
        sessionId: id,
        afterSeq: after,
        limit,
      });
      const cache = await api.call<{ items: { key: string; value: unknown; expiresAt: string }[] }>(
        "cache.list",
        { sessionId: id, limit: 100 },
      );
      const groups: SessionGroup[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const p: { items: SessionGroup[]; nextCursor: string | null } = await api.call("group.list", {
          limit: 100,
          ...(cursor ? { cursor } : {}),
        });
        groups.push(...p.items.filter((g) => g.sessionIds.includes(id)));
        cursor = p.nextCursor;
        if (!cursor) break;
      }
      const lessons = await api.call<{ items: MemoryHit[] }>("memory.search", {
        sessionId: id,
        kinds: ["lesson"],
        limit: 50,
      });
      const now = Date.now();
      const last = messages.items.at(-1)?.seq;
      const body = html`<h2 id="fields">Fields</h2>
<table aria-labelledby="fields"><tbody>
${field("Id", s.id)}${field("Title", s.title)}${field("Status", s.status)}${field("Stage", s.stage)}
${field("Tags", tags(s.tags))}${field("Component", s.component)}${field("Purpose", s.purpose)}
${field("Created", s.createdAt)}${field("Updated", s.updatedAt)}${field("Completed", s.completedAt)}
${field("Version", s.version)}${field("Metadata", html`<code>${json(s.metadata)}</code>`)}
</tbody></table>
<p><a href="${href(["ui", "sessions", s.id, "context"], { namespace: ns })}">Context preview</a></p>
<h2 id="messages">Messages</h2>
${
  messages.items.length
    ? html`<table aria-labelledby="messages"><thead><tr><th scope="col">Seq</th><th scope="col">Role</th><th scope="col">Created</th><th scope="col">Content</th></tr></thead><tbody>
${messages.items.map(
  (m) =>
    html`<tr><td>${m.seq}</td><td>${m.role}</td><td>${m.createdAt}</td><td><pre class="message">${m.content}</pre></td></tr>\n`,
)}</tbody></table>`
    : html`<p>No messages${after ? " after this point" : ""}.</p>`
}
${
  messages.nextCursor && last !== undefined
    ? html`<nav aria-label="Message pages"><a rel="next" href="${href(["ui", "sessions", s.id], { namespace: ns, after: last, limit: q(c, "limit") })}">Next messages</a></nav>`
    : ""
}
<h2 id="cache">Cache</h2>
${
  cache.items.length
    ? html`<table aria-labelledby="cache"><thead><tr><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Expires</th><th scope="col">Time left</th></tr></thead><tbody>
${cache.items.map(
  (e) =>
    html`<tr><td><code>${e.key}</code></td><td><code>${json(e.value)}</code></td><td>${e.expiresAt}</td><td>${msLeft(e.expiresAt, now)}</td></tr>\n`,
)}</tbody></table>`
    : html`<p>No live cache entries.</p>`
}
<h2 id="groups">Groups</h2>
${
  groups.length
    ? html`<ul>${groups.map((g) => html`<li><code>${g.id}</code> (${g.status}) ${g.description}</li>`)}</ul>`
    : html`<p>In no group.</p>`
}
<h2 id="lessons">Lessons</h2>
${
  lessons.items.length
    ? html`<ul>${lessons.items.map((h) => html`<li>${h.memory.content} <small>(importance ${h.memory.importance})</small></li>`)}</ul>`
    : html`<p>No lessons.</p>`
}`;
      return { status: 200, body: layout(`Session ${s.id}`, body, ns) };
    }),
  );

  app.get(
    "/ui/sessions/:id/context",
    page("Context", async (c, api) => {
      const id = c.req.param("id") ?? "";
      const ns = api.namespace;
      const stage = q(c, "stage");
      const mode = q(c, "mode");
      const res = await api.call<{ context: LoadedContext; rendered?: string }>("context.load", {
        sessionId: id,
        format: "markdown",
        ...(stage ? { stage } : {}),
        ...(mode ? { mode } : {}),
      });
      const ctx = res.context;
      const budget = ctx.tokens.budget;
      const body = html`<p>Session ${sessionLink(id, ns)}</p>
<form class="filters" method="get" action="${href(["ui", "sessions", id, "context"])}" aria-label="Stage and mode">
${select("stage", "Stage", WORKFLOW_STAGES, stage)}
${select("mode", "Mode", WORKFLOW_MODES, mode)}
<input type="hidden" name="namespace" value="${ns ?? ""}">
<button type="submit">Preview</button></form>
<p>Stage <code>${ctx.stage}</code>, mode <code>${ctx.mode}</code>, ${ctx.tokens.total} of ${budget} tokens.</p>
<h2 id="budget">Tokens per layer</h2>
<table aria-labelledby="budget"><thead><tr><th scope="col">Layer</th><th scope="col">Tokens</th><th scope="col">Share of the budget</th></tr></thead><tbody>
${LAYERS.map((l) => {
  const used = ctx.tokens.perLayer[l];
  return html`<tr><th scope="row">${l}</th><td>${used}</td><td><meter id="meter-${l}" min="0" max="${Math.max(budget, 1)}" value="${used}" aria-label="${l}: ${used} of ${budget} tokens">${used} of ${budget}</meter> ${used} / ${budget}</td></tr>\n`;
})}</tbody></table>
<h2 id="rendered">Rendered context</h2>
<pre id="context" aria-labelledby="rendered">${res.rendered ?? ""}</pre>
<h2 id="explain">Explain</h2>
<table aria-labelledby="explain"><thead><tr><th scope="col">Layer</th><th scope="col">Ref</th><th scope="col">Included</th><th scope="col">Why</th><th scope="col">Tokens</th><th scope="col">Score</th></tr></thead><tbody>
${ctx.explain.map(
  (e) =>
    html`<tr><td>${e.layer}</td><td><code>${e.ref}</code></td><td>${e.included ? "included" : "dropped"}</td><td>${e.included ? "" : e.reason}</td><td>${e.tokens}</td><td>${e.score}</td></tr>\n`,
)}</tbody></table>`;
      return { status: 200, body: layout(`Context of ${id}`, body, ns) };
    }),
  );

  app.get(
    "/ui/groups",
    page("Groups", async (_c, api) => {
      const all: SessionGroup[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const p: { items: SessionGroup[]; nextCursor: string | null } = await api.call("group.list", {
          limit: 100,
          ...(cursor ? { cursor } : {}),
        });
        all.push(...p.items);
        cursor = p.nextCursor;
        if (!cursor) break;
      }
      const ns = api.namespace;
      return html`<div class="board">${(["active", "closed", "archived"] as const).map((status) => {
        const list = all.filter((g) => g.status === status);
        return html`<section aria-labelledby="col-${status}"><h2 id="col-${status}">${status} (${list.length})</h2>
${
  list.length
    ? html`<ul>${list.map(
        (g) =>
          html`<li><strong><code>${g.id}</code></strong> ${g.description} ${tags(g.tags)}<ul>${g.sessionIds.map((sid) => html`<li>${sessionLink(sid, ns)}</li>`)}</ul></li>`,
      )}</ul>`
    : html`<p>None.</p>`
}</section>`;
      })}</div>${cursor ? html`<p>Only the first 2000 groups are shown.</p>` : ""}`;
    }),
  );

  app.get(
    "/ui/memory",
    page("Memory", async (c, api) => {
      const query = q(c, "q");
      const tag = q(c, "tag");
      const kind = q(c, "kind");
      const cursor = q(c, "cursor");
      const res = await api.call<{ items: MemoryHit[]; nextCursor: string | null }>("memory.search", {
        ...(query ? { query } : {}),
        ...(tag ? { tags: [tag] } : {}),
        ...(kind ? { kinds: [kind] } : {}),
        ...(cursor ? { cursor } : {}),
        explain: true,
      });
      const ns = api.namespace;
      return html`<form class="filters" method="get" action="/ui/memory" role="search" aria-label="Search memory">
${input("q", "Search", query, "search")}
${input("tag", "Tag", tag)}
${select("kind", "Kind", ["observation", "lesson", "decision", "pattern", "failure"], kind)}
${input("namespace", "Namespace", ns)}
<button type="submit">Search</button></form>
${
  res.items.length
    ? html`<table><caption>Hits, best first</caption><thead><tr><th scope="col">Score</th><th scope="col">Text × importance × recency × boost</th><th scope="col">Kind</th><th scope="col">Content</th><th scope="col">Tags</th><th scope="col">Session</th><th scope="col">Matched</th></tr></thead><tbody>
${res.items.map(
  (h) =>
    html`<tr><td>${h.score}</td><td>${h.explain ? `${h.explain.text} × ${h.explain.importance} × ${h.explain.recency} × ${h.explain.boost}` : ""}</td><td>${h.memory.kind}</td><td>${h.memory.content}</td><td>${tags(h.memory.tags)}</td><td>${h.memory.sessionId ? sessionLink(h.memory.sessionId, ns) : ""}</td><td>${tags(h.matched)}</td></tr>\n`,
)}</tbody></table>`
    : html`<p>No memories match.</p>`
}
${
  res.nextCursor
    ? html`<nav aria-label="Pages"><a rel="next" href="${href(["ui", "memory"], { q: query, tag, kind, namespace: ns, cursor: res.nextCursor })}">Next page</a></nav>`
    : ""
}`;
    }),
  );

  app.get(
    "/ui/pafs",
    page("PAFs", async (_c, api) => {
      const list = await api.call<{ items: Paf[]; file: string }>("paf.list", { all: true });
      type Validation = {
        ok: boolean;
        results: { pafId?: string; check: string; ok: boolean; severity: string; message: string }[];
        summary: { total: number; passed: number; errors: number; warnings: number; infos: number };
      };
      const validation = api.may("admin") ? await api.call<Validation>("paf.validate", {}, "admin") : null;
      return html`<p>From <code>${list.file}</code>.</p>
${
  list.items.length
    ? html`<table><caption>PAFs</caption><thead><tr><th scope="col">Id</th><th scope="col">Category</th><th scope="col">Status</th><th scope="col">Text</th><th scope="col">Line</th></tr></thead><tbody>
${list.items.map(
  (p) =>
    html`<tr><td><code>${p.id}</code></td><td>${p.category}</td><td>${p.status}</td><td>${p.text}</td><td>${p.source.line}</td></tr>\n`,
)}</tbody></table>`
    : html`<p>No PAFs.</p>`
}
<h2 id="validation">Validation</h2>
${
  validation
    ? html`<p>${validation.ok ? "Valid" : "Not valid"}: ${validation.summary.passed} of ${validation.summary.total} checks passed, ${validation.summary.errors} errors, ${validation.summary.warnings} warnings.</p>
<table aria-labelledby="validation"><thead><tr><th scope="col">PAF</th><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Severity</th><th scope="col">Message</th></tr></thead><tbody>
${validation.results.map(
  (r) =>
    html`<tr><td>${r.pafId}</td><td>${r.check}</td><td>${r.ok ? "passed" : "failed"}</td><td>${r.severity}</td><td>${r.message}</td></tr>\n`,
)}</tbody></table>`
    : html`<p>Validation needs a token with the admin scope (paf.validate).</p>`
}`;
    }),
  );
}
