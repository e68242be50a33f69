import { ForbiddenError, type TtaError, ValidationError } from "@tta-dev/core";
import type { Context, MiddlewareHandler } from "hono";
import type { Principal } from "./auth.js";
import { isLoopback, isLoopbackOrigin, isWildcardAddress, normalHostname } from "./hosts.js";

/**
 * What the request guard lets through. The same policy protects every route of the app: the
 * contract's routes and anything mounted beside them (an MCP endpoint at `/mcp`).
 */
export interface GuardPolicy {
  /** Whether bearer tokens are configured. Without them, requests a browser page sent are refused. */
  hasTokens: boolean;
  /** Host names served besides the loopback ones (`http.allowedHosts`). */
  allowedHosts?: readonly string[];
  /** The address the server is bound to; served as a host name when it is not a wildcard. */
  boundHost?: string;
  /**
   * Routes whose request body is a stream of another media type than JSON, by `METHOD /path`
   * (`POST /v1/import`: a bundle): that body must have one of these types instead.
   */
  streamBodies?: Readonly<Record<string, readonly string[]>>;
}

/** The parts of a request the guard reads. */
export interface GuardedRequest {
  method: string;
  /** The request URL (absolute); its host counts as well as the `Host` header. */
  url: string;
  header(name: string): string | undefined;
}

/** Why a request was refused, and the status to answer with. */
export interface GuardRefusal {
  status: 403 | 415;
  error: TtaError;
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
const JSON_MEDIA_TYPE = /^application\/json\s*(?:;.*)?$/i;

/** The host names a policy serves, normalised; loopback names are served whatever the list. */
export function servedHosts(policy: GuardPolicy): Set<string> {
  const names = [...(policy.allowedHosts ?? [])];
  if (policy.boundHost && !isWildcardAddress(policy.boundHost)) names.push(policy.boundHost);
  return new Set(names.map(normalHostname).filter((h): h is string => h !== null));
}

function hostRefusal(given: string): GuardRefusal {
  return {
    status: 403,
    error: new ForbiddenError(
      `Host ${JSON.stringify(given)} is not served: only loopback names (localhost, 127.0.0.1, [::1]) and the names of http.allowedHosts are, so that a DNS-rebinding page cannot reach this server. To serve this name, add it to http.allowedHosts in .tta/config.yaml.`,
      { host: given, setting: "http.allowedHosts" },
    ),
  };
}

/**
 * Check one request against the policy, before authentication and before its body is read:
 *
 * - the `Host` header (and the URL's host) must be a loopback name or a served one: DNS rebinding;
 * - without tokens, an `Origin` that is not a loopback page (`null` included) or
 *   `Sec-Fetch-Site: cross-site` is refused: any web page could otherwise drive the server;
 * - a POST, PUT or PATCH must say `Content-Type: application/json`, even with no body: the media
 *   types a page may send without a CORS preflight (`text/plain`, forms) never reach a handler. A
 *   route of `streamBodies` needs one of its media types instead (none of them is one a page may
 *   send without a preflight either).
 *
 * @returns `null` when the request may go on
 */
export function checkRequest(
  req: GuardedRequest,
  policy: GuardPolicy,
  served = servedHosts(policy),
): GuardRefusal | null {
  // Both: a request in absolute form (`GET http://name/…`) is routed by its URL, not its Host header.
  const hosts = [new URL(req.url).host];
  const hostHeader = req.header("host");
  if (hostHeader !== undefined && hostHeader !== hosts[0]) hosts.unshift(hostHeader);
  for (const given of hosts) {
    const name = normalHostname(given);
    if (name === null || (!isLoopback(name) && !served.has(name))) return hostRefusal(given);
  }
  if (!policy.hasTokens) {
    const origin = req.header("origin");
    if (origin !== undefined && !isLoopbackOrigin(origin)) {
      return {
        status: 403,
        error: new ForbiddenError(
          `Cross-origin request refused: Origin ${JSON.stringify(origin)} is not a page of this machine, and without bearer tokens any web page could use this server. Configure http.tokens to serve other origins.`,
          { origin },
        ),
      };
    }
    if (req.header("sec-fetch-site")?.toLowerCase() === "cross-site") {
      return {
        status: 403,
        error: new ForbiddenError(
          "Cross-site request refused (Sec-Fetch-Site: cross-site): without bearer tokens any web page could use this server. Configure http.tokens to serve other sites.",
          { secFetchSite: "cross-site" },
        ),
      };
    }
  }
  const method = req.method.toUpperCase();
  const streamed = policy.streamBodies?.[`${method} ${new URL(req.url).pathname}`];
  if (streamed) {
    const type = req.header("content-type");
    const media = type === undefined ? undefined : type.split(";")[0]!.trim().toLowerCase();
    if (media === undefined || !streamed.includes(media)) {
      return {
        status: 415,
        error: new ValidationError(
          `${method} ${new URL(req.url).pathname} needs Content-Type: ${streamed.join(" or ")} (got ${type === undefined ? "none" : JSON.stringify(type)}).`,
          { contentType: type ?? null, accepted: [...streamed] },
        ),
      };
    }
  } else if (BODY_METHODS.has(method)) {
    const type = req.header("content-type");
    if (type === undefined || !JSON_MEDIA_TYPE.test(type.trim())) {
      return {
        status: 415,
        error: new ValidationError(
          `${req.method.toUpperCase()} needs Content-Type: application/json (got ${type === undefined ? "none" : JSON.stringify(type)}), even with an empty body.`,
          { contentType: type ?? null },
        ),
      };
    }
  }
  return null;
}

const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded\s*(?:;.*)?$/i;

/**
 * Check the web inspector's login form POST (`/ui/login`): the Host checks of {@link checkRequest},
 * then, tokens or not, an `Origin` that is this server's own (a page elsewhere may not post a token
 * guess), no `Sec-Fetch-Site: cross-site`, and a form body.
 *
 * @returns `null` when the request may go on
 */
export function checkLoginPost(
  req: GuardedRequest,
  policy: GuardPolicy,
  served = servedHosts(policy),
): GuardRefusal | null {
  const base = checkRequest({ method: "GET", url: req.url, header: (n) => req.header(n) }, policy, served);
  if (base) return base;
  const url = new URL(req.url);
  const own = new Set([url.origin]);
  const hostHeader = req.header("host");
  if (hostHeader) own.add(`${url.protocol}//${hostHeader}`.toLowerCase());
  const origin = req.header("origin");
  if (
    (origin !== undefined && !own.has(origin.toLowerCase())) ||
    req.header("sec-fetch-site")?.toLowerCase() === "cross-site"
  ) {
    return {
      status: 403,
      error: new ForbiddenError(
        `Login refused: the form was not posted from a page of this server (Origin ${JSON.stringify(origin ?? null)}).`,
        { origin: origin ?? null },
      ),
    };
  }
  const type = req.header("content-type");
  if (type === undefined || !FORM_MEDIA_TYPE.test(type.trim())) {
    return {
      status: 415,
      error: new ValidationError(
        `The login form needs Content-Type: application/x-www-form-urlencoded (got ${type === undefined ? "none" : JSON.stringify(type)}).`,
        { contentType: type ?? null },
      ),
    };
  }
  return null;
}

/**
 * The guard as Hono middleware: a refused request is answered by `refuse` (the app's error body)
 * and goes no further.
 *
 * @example
 * app.use("*", requestGuard({ hasTokens: false }, (c, e, status) => c.json({ error: e.toJSON() }, status)));
 */
export function requestGuard(
  policy: GuardPolicy,
  refuse: (c: Context, error: TtaError, status: GuardRefusal["status"]) => Response,
): MiddlewareHandler {
  const served = servedHosts(policy);
  return async (c, next) => {
    const refusal = checkRequest(c.req, policy, served);
    if (refusal) return refuse(c, refusal.error, refusal.status);
    await next();
  };
}

/** What {@link checkCommands} needs to know. */
export interface CommandPolicy {
  /** `http.allowCommands` of the server's configuration. */
  allowCommands: boolean;
}

/**
 * `paf.validate` with `allowCommands: true` runs shell commands from PAFCORE.md. Over HTTP it is
 * allowed only when the server's configuration says `http.allowCommands: true` and the request
 * carries an admin-scoped token, so a tokenless server never runs one.
 *
 * @throws ForbiddenError naming what is missing
 */
export function checkCommands(
  operation: string,
  input: unknown,
  principal: Principal | null,
  policy: CommandPolicy,
): void {
  if (operation !== "paf.validate") return;
  if ((input as { allowCommands?: unknown } | null)?.allowCommands !== true) return;
  const admin = principal?.scopes.includes("admin") ?? false;
  if (policy.allowCommands && admin) return;
  const missing = [
    ...(policy.allowCommands ? [] : ["http.allowCommands: true in the server's .tta/config.yaml"]),
    ...(admin
      ? []
      : [
          principal
            ? `the admin scope on token "${principal.name}"`
            : "an admin-scoped bearer token (this server has no tokens)",
        ]),
  ];
  throw new ForbiddenError(
    `allowCommands runs shell commands from PAFCORE.md; over HTTP it needs ${missing.join(" and ")}.`,
    {
      field: "allowCommands",
      missing: [...(policy.allowCommands ? [] : ["http.allowCommands"]), ...(admin ? [] : ["admin token"])],
    },
  );
}
