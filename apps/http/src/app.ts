import { randomUUID } from "node:crypto";
import {
  checkInputLimits,
  type Handlers,
  HTTP_DEFAULTS,
  isStreamed,
  OPERATION_LIST,
  type OperationName,
  parseInput,
} from "@tta-dev/contract";
import {
  LimitExceededError,
  type Limits,
  type NamingPolicy,
  toTtaError,
  ValidationError,
} from "@tta-dev/core";
import type { ToolSelection } from "@tta-dev/mcp";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Logger } from "pino";
import { authenticate, type Principal, requireScope, resolveNamespace, type TokenRecord } from "./auth.js";
import { mountBundleRoutes } from "./bundle-routes.js";
import { createErrorBody } from "./error-body.js";
import { checkCommands, checkLoginPost, requestGuard, servedHosts } from "./guard.js";
import { mcpRoute } from "./mcp-route.js";
import { serverOpenApi } from "./openapi-doc.js";
import { coerceQuery, queryShape } from "./query.js";
import { HTTP_STATUS } from "./status.js";
import { mountUi } from "./ui/pages.js";

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions {
  /** The handlers behind every operation (from `@tta-dev/workflow`). */
  handlers: Handlers;
  /** Configured bearer tokens; none means no authentication (only allowed on loopback). */
  tokens?: readonly TokenRecord[];
  /** Namespace when a request names none and its token allows any; default `default`. */
  defaultNamespace?: string;
  /** Request bodies over this many bytes get 413; default {@link DEFAULT_BODY_LIMIT}. */
  bodyLimitBytes?: number;
  /** Bundles over this many bytes to `POST /v1/import` get 413; default `HTTP_DEFAULTS.importLimitBytes`. */
  importLimitBytes?: number;
  /** Size and count limits checked before a handler runs. */
  limits?: Partial<Limits>;
  /** Naming policy for new session ids; default `strict`. */
  namingPolicy?: NamingPolicy;
  /** Resolves when the backend is reachable (`/readyz`). */
  ready: () => Promise<void>;
  /** tta's version, shown in the OpenAPI document. */
  version?: string;
  logger: Logger;
  /** The file backend's data directory: error answers name files relative to it, never absolutely. */
  dataDir?: string;
  /** Host names served besides loopback ones (`http.allowedHosts`); see {@link requestGuard}. */
  allowedHosts?: readonly string[];
  /** The address the server binds; served as a host name unless it is a wildcard. */
  boundHost?: string;
  /** `http.allowCommands`: whether an admin token may have `paf.validate` run commands; default false. */
  allowCommands?: boolean;
  /** The MCP tool set of `/mcp` when a request names none (`?tools=`); default `default`. */
  mcpTools?: ToolSelection;
}

/** Default request body limit: room for a 1 MiB message and its JSON escaping; 2 MiB is refused. */
export const DEFAULT_BODY_LIMIT = HTTP_DEFAULTS.bodyLimitBytes;

/** Hono path from a contract path: `/v1/sessions/{id}` → `/v1/sessions/:id`. */
export function honoPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
}

/**
 * The HTTP app: one route per contract operation, `/openapi.json`, `/healthz`, `/readyz`. It holds no
 * business logic: it authenticates, assembles the input, calls the handler and maps errors by code.
 *
 * @example
 * const app = createHttpApp({ handlers, ready: () => backend.ping(), logger: pino() });
 */
export function createHttpApp(options: HttpAppOptions): Hono {
  const app = new Hono<{ Variables: { requestId: string } }>();
  const { logger } = options;
  const tokens = options.tokens ?? [];
  const bodyLimitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const defaultNamespace = options.defaultNamespace ?? "default";
  const openapi = serverOpenApi(options.version ?? "0.0.0");
  const errorBody = createErrorBody({ logger, ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  const commands = { allowCommands: options.allowCommands ?? HTTP_DEFAULTS.allowCommands };
  const prepare = (name: OperationName, raw: unknown) => {
    const input = parseInput(name, raw, { namingPolicy: options.namingPolicy ?? "strict" });
    checkInputLimits(name, input, options.limits ?? {});
    return input;
  };

  app.use("*", async (c, next) => {
    const given = c.req.header("x-request-id");
    const requestId = given && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
    c.set("requestId", requestId);
    c.header("x-request-id", requestId);
    const started = performance.now();
    await next();
    logger.info({
      requestId,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  });

  // Before authentication and before any body is read; `/healthz` says nothing and stays open to
  // probes that name the machine by another address.
  const policy = {
    hasTokens: tokens.length > 0,
    ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.boundHost ? { boundHost: options.boundHost } : {}),
    streamBodies: Object.fromEntries(
      OPERATION_LIST.filter((op) => op.http.requestStream).map((op) => [
        `${op.http.method} ${op.http.path}`,
        op.http.requestStream!.mediaTypes,
      ]),
    ),
  };
  const guard = requestGuard(policy, (c, e, status) => c.json(errorBody(e, c.get("requestId")), status));
  const served = servedHosts(policy);
  app.use("*", async (c, next) => {
    if (c.req.path === "/healthz") return next();
    // The inspector's login form posts a form body, and must come from a page of this server.
    if (c.req.method === "POST" && c.req.path === "/ui/login") {
      const refusal = checkLoginPost(c.req, policy, served);
      if (refusal) return c.json(errorBody(refusal.error, c.get("requestId")), refusal.status);
      return next();
    }
    return guard(c, next);
  });

  // A bundle's body has its own limit, checked as it is spooled (see bundle-routes.ts).
  const limitBody = bodyLimit({
    maxSize: bodyLimitBytes,
    onError: (c) => {
      const e = new LimitExceededError(`The request body is over ${bodyLimitBytes} bytes.`, {
        field: "body",
        limit: bodyLimitBytes,
      });
      return c.json(errorBody(e, c.get("requestId")), 413);
    },
  });
  app.use("*", (c, next) =>
    policy.streamBodies[`${c.req.method} ${c.req.path}`] ? next() : limitBody(c, next),
  );

  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/readyz", async (c) => {
    try {
      await options.ready();
      return c.json({ ok: true });
    } catch (err) {
      const e = toTtaError(err);
      return c.json(errorBody(e, c.get("requestId")), 503);
    }
  });
  app.get("/openapi.json", (c) => c.json(openapi));

  mountBundleRoutes(app, {
    handlers: options.handlers,
    tokens,
    defaultNamespace,
    importLimitBytes: options.importLimitBytes ?? HTTP_DEFAULTS.importLimitBytes,
    prepare,
    errorBody,
    logger,
  });

  for (const op of OPERATION_LIST) {
    if (isStreamed(op)) continue;
    const shape = queryShape(op.input);
    const method = op.http.method;
    app.on(method, honoPath(op.http.path), async (c) => {
      const requestId = c.get("requestId");
      try {
        let principal: Principal | null = null;
        if (tokens.length) {
          principal = authenticate(c.req.header("authorization"), tokens);
          requireScope(principal, op.http.scope);
        }
        const namespace = resolveNamespace(
          principal,
          c.req.header("x-tta-namespace") || undefined,
          defaultNamespace,
        );
        let raw: Record<string, unknown>;
        if (method === "GET" || method === "DELETE") {
          raw = coerceQuery(c.req.queries() ?? {}, shape);
        } else {
          const text = await c.req.text();
          let body: unknown = {};
          if (text.trim() !== "") {
            try {
              body = JSON.parse(text);
            } catch {
              throw new ValidationError("The request body is not valid JSON.", {
                issues: [{ path: "(body)", message: "invalid JSON" }],
              });
            }
          }
          if (typeof body !== "object" || body === null || Array.isArray(body)) {
            throw new ValidationError("The request body must be a JSON object.", {
              issues: [{ path: "(body)", message: "not an object" }],
            });
          }
          raw = { ...(body as Record<string, unknown>) };
        }
        for (const [k, v] of Object.entries(c.req.param() as Record<string, string>)) raw[k] = v;
        const input = prepare(op.name as OperationName, raw);
        checkCommands(op.name, input, principal, commands);
        const handler = options.handlers[op.name as keyof Handlers] as (
          i: unknown,
          ctx: { namespace: string },
        ) => Promise<unknown>;
        const output = await handler(input, { namespace });
        logger.debug({ requestId, op: op.name, namespace });
        return c.json(output as object, (op.http.status ?? 200) as 200);
      } catch (err) {
        const e = toTtaError(err);
        return c.json(errorBody(e, requestId, op.name), HTTP_STATUS[e.code] as 400);
      }
    });
  }

  app.all(
    "/mcp",
    mcpRoute({
      handlers: options.handlers,
      tokens,
      defaultNamespace,
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.namingPolicy ? { namingPolicy: options.namingPolicy } : {}),
      version: options.version ?? "0.0.0",
      commands,
      errorBody,
      ...(options.mcpTools ? { tools: options.mcpTools } : {}),
    }),
  );

  mountUi(app as unknown as Hono, {
    handlers: options.handlers,
    tokens,
    defaultNamespace,
    prepare,
    errorBody,
  });

  app.notFound((c) =>
    c.json(
      {
        error: {
          code: "VALIDATION_FAILED",
          message: `No route ${c.req.method} ${c.req.path}. See /openapi.json.`,
          details: {},
        },
      },
      404,
    ),
  );
  app.onError((err, c) => {
    const e = toTtaError(err);
    return c.json(errorBody(e, c.get("requestId") ?? "-"), HTTP_STATUS[e.code] as 500);
  });
  return app as unknown as Hono;
}
